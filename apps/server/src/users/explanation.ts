import type { AccessDecision, ExplainedGrant, GrantOrigin, IgnoredValue } from "@roster/domain";
import { isUuid } from "@roster/scim";

/**
 * Turns a user's stored `access_explanation` (role resolution's `explanation`, written by recompute and by
 * every SCIM write) into sentences an administrator reads — "ADMIN because member of `Okta-Admins`,
 * mapping #3, priority 10" — with the group and mapping each one rests on, so the console can link to
 * them. Pure: the groups and mappings it names are looked up by the caller (`explanationRefs`) and passed in.
 */

/** A group an explanation names; `displayName` is the current one when the group still exists. */
export interface ExplainedGroup {
	id: string;
	displayName: string;
	exists: boolean;
}

/** A mapping an explanation names; `number` is its rank in the organization's mapping list (1 = first). */
export interface ExplainedMapping {
	id: string;
	number: number | null;
	priority: number;
	exists: boolean;
}

/** The current rows behind the ids an explanation names. */
export interface ExplanationLookups {
	groups: ReadonlyMap<string, { displayName: string }>;
	mappings: ReadonlyMap<string, { number: number; priority: number }>;
}

export type GrantTarget = ExplainedGrant["target"];

/** One granted or overruled grant, as the console shows it. */
export interface RenderedGrant {
	target: GrantTarget;
	value: string;
	/** The whole sentence: "ADMIN because member of `Okta-Admins`, mapping #3, priority 10". */
	text: string;
	/** What produced it, without the value: "member of `Okta-Admins`, mapping #3, priority 10". */
	because: string;
	origin: GrantOrigin["kind"];
	group: ExplainedGroup | null;
	mapping: ExplainedMapping | null;
	/** For overruled grants, why it lost (names rewritten: "mapping #2" for `mapping:<id>`). */
	reason: string | null;
	otherProjects: number;
}

/** A value the IdP sent, or a mapping, that granted nothing, and why. */
export interface RenderedIgnored {
	value: string;
	text: string;
	because: string;
	reason: string;
	detail: string | null;
	group: ExplainedGroup | null;
	mapping: ExplainedMapping | null;
}

export interface RenderedExplanation {
	granted: RenderedGrant[];
	overruled: RenderedGrant[];
	ignored: RenderedIgnored[];
}

type StoredExplanation = AccessDecision["explanation"];

function listOf<T>(value: unknown): T[] {
	return Array.isArray(value) ? (value as T[]) : [];
}

/** The stored jsonb read as role resolution wrote it; anything else (never computed) reads as empty. */
export function storedExplanation(stored: Record<string, unknown> | null): StoredExplanation {
	return {
		granted: listOf<ExplainedGrant>(stored?.granted),
		overruled: listOf<ExplainedGrant>(stored?.overruled),
		ignored: listOf<IgnoredValue>(stored?.ignored),
	};
}

const MAPPING_SOURCE = /mapping:([0-9a-fA-F-]{36})/g;

function groupIdOfVia(via: string): string | undefined {
	const id = via.startsWith("group:") ? via.slice("group:".length) : undefined;
	return id !== undefined && isUuid(id) ? id : undefined;
}

function groupIdOfOrigin(origin: GrantOrigin): string | undefined {
	if (origin.kind === "group_role" || origin.kind === "group_entitlement") return origin.groupId;
	if (origin.kind === "mapping") return groupIdOfVia(origin.via);
	return undefined;
}

/** Every group and mapping id an explanation names, for the caller to look up in one query each. */
export function explanationRefs(explanation: StoredExplanation): {
	groupIds: string[];
	mappingIds: string[];
} {
	const groupIds = new Set<string>();
	const mappingIds = new Set<string>();
	const entries = [...explanation.granted, ...explanation.overruled, ...explanation.ignored];
	for (const entry of entries) {
		const groupId = groupIdOfOrigin(entry.origin);
		if (groupId && isUuid(groupId)) groupIds.add(groupId);
		if (entry.origin.kind === "mapping" && isUuid(entry.origin.mappingId))
			mappingIds.add(entry.origin.mappingId);
		const reason = "reason" in entry ? (entry.reason ?? "") : "";
		for (const match of reason.matchAll(MAPPING_SOURCE))
			if (match[1] && isUuid(match[1])) mappingIds.add(match[1]);
	}
	return { groupIds: [...groupIds], mappingIds: [...mappingIds] };
}

function groupOf(id: string, fallbackName: string, lookups: ExplanationLookups): ExplainedGroup {
	const found = lookups.groups.get(id);
	return { id, displayName: found?.displayName ?? fallbackName, exists: found !== undefined };
}

function mappingOf(id: string, priority: number, lookups: ExplanationLookups): ExplainedMapping {
	const found = lookups.mappings.get(id);
	return { id, number: found?.number ?? null, priority, exists: found !== undefined };
}

function mappingName(mapping: ExplainedMapping): string {
	return mapping.number === null ? "a mapping deleted since" : `mapping #${mapping.number}`;
}

/** A `source` string (`user-role:admin`, `group-role:<id>:admin`, …) in words. */
function sourceInWords(source: string, lookups: ExplanationLookups): string {
	const [kind = "", ...rest] = source.split(":");
	const tail = rest.join(":");
	switch (kind) {
		case "user-role":
			return `role "${tail}" sent on the user`;
		case "user-entitlement":
			return `entitlement "${tail}" sent on the user`;
		case "group-role":
		case "group-entitlement": {
			const [groupId = "", ...value] = rest;
			const name = lookups.groups.get(groupId)?.displayName ?? groupId;
			const what = kind === "group-role" ? "role" : "entitlement";
			return `${what} "${value.join(":")}" of group \`${name}\``;
		}
		case "group":
			return `member of \`${lookups.groups.get(tail)?.displayName ?? tail}\``;
		case "mapping": {
			const found = lookups.mappings.get(tail);
			return found ? `mapping #${found.number}` : "a mapping deleted since";
		}
		case "fallback":
			return "the organization's fallback tier";
		default:
			return source;
	}
}

/**
 * Reasons end by naming the winning rule by its source string ("… from mapping:<id>"); that name is put in
 * words, so a mapping reads as the number people see and an IdP value as what was sent.
 */
function reasonInWords(reason: string, lookups: ExplanationLookups): string {
	return reason.replace(/ from (\S.*)$/, (_, source: string) => ` from ${sourceInWords(source, lookups)}`);
}

interface Origin {
	because: string;
	group: ExplainedGroup | null;
	mapping: ExplainedMapping | null;
}

function describeOrigin(origin: GrantOrigin, lookups: ExplanationLookups): Origin {
	switch (origin.kind) {
		case "mapping": {
			const mapping = mappingOf(origin.mappingId, origin.priority, lookups);
			const groupId = groupIdOfVia(origin.via);
			const group = groupId ? groupOf(groupId, groupId, lookups) : null;
			const matched = group
				? `member of \`${group.displayName}\``
				: `${sourceInWords(origin.via, lookups)} matched`;
			return { because: `${matched}, ${mappingName(mapping)}, priority ${origin.priority}`, group, mapping };
		}
		case "group_role":
		case "group_entitlement": {
			const group = groupOf(origin.groupId, origin.groupName, lookups);
			const what = origin.kind === "group_role" ? "role" : "entitlement";
			return { because: `${what} "${origin.value}" of group \`${group.displayName}\``, group, mapping: null };
		}
		case "user_role":
			return { because: `role "${origin.value}" sent on the user`, group: null, mapping: null };
		case "user_entitlement":
			return { because: `entitlement "${origin.value}" sent on the user`, group: null, mapping: null };
		case "fallback":
			return { because: "the organization's fallback tier", group: null, mapping: null };
		case "inactive":
			return { because: "the user is inactive", group: null, mapping: null };
	}
}

function grantedWhat(grant: Pick<ExplainedGrant, "target" | "value">): string {
	return grant.target.kind === "tier" ? grant.value : `${grant.value} on project ${grant.target.projectSlug}`;
}

function renderGrant(grant: ExplainedGrant, lookups: ExplanationLookups, overruled: boolean): RenderedGrant {
	const origin = describeOrigin(grant.origin, lookups);
	const reason = grant.reason ? reasonInWords(grant.reason, lookups) : null;
	const others = grant.otherProjects ?? 0;
	const more = others > 0 ? ` (and ${others} more projects)` : "";
	const tail = reason === null ? "" : overruled ? `; overruled: ${reason}` : ` (${reason})`;
	return {
		target: grant.target,
		value: grant.value,
		text: `${grantedWhat(grant)}${more} because ${origin.because}${tail}`,
		because: origin.because,
		origin: grant.origin.kind,
		group: origin.group,
		mapping: origin.mapping,
		reason,
		otherProjects: others,
	};
}

function renderIgnored(ignored: IgnoredValue, lookups: ExplanationLookups): RenderedIgnored {
	const origin = describeOrigin(ignored.origin, lookups);
	const detail = ignored.detail ?? null;
	return {
		value: ignored.value,
		text: `"${ignored.value}" from ${origin.because} granted nothing: ${ignored.reason}${detail ? ` (${detail})` : ""}`,
		because: origin.because,
		reason: ignored.reason,
		detail,
		group: origin.group,
		mapping: origin.mapping,
	};
}

/** The explanation in words, in the stored (deterministic) order. */
export function renderExplanation(
	explanation: StoredExplanation,
	lookups: ExplanationLookups,
): RenderedExplanation {
	return {
		granted: explanation.granted.map((grant) => renderGrant(grant, lookups, false)),
		overruled: explanation.overruled.map((grant) => renderGrant(grant, lookups, true)),
		ignored: explanation.ignored.map((ignored) => renderIgnored(ignored, lookups)),
	};
}

/** A tier source (`mapping:<id>`, `fallback`, `console`, …) in words, for the profile's "tier from" line. */
export function tierSourceInWords(source: string | null, lookups: ExplanationLookups): string {
	if (source === null) return "not computed yet";
	if (source === "inactive") return "the user is inactive";
	if (source === "console") return "set in the console (local administrator)";
	if (source === "implied:project-role") return "implied by a project role";
	return sourceInWords(source, lookups);
}
