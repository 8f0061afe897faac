import { byCodeUnits, gatherCandidates, type TierCandidate } from "./candidates.ts";
import { resolveProjectRoles } from "./project-roles.ts";
import { compareTiers } from "./tiers.ts";
import type { AccessDecision, AccessInput, ExplainedGrant, IgnoredValue } from "./types.ts";

const tierTarget = { kind: "tier" } as const;

function compareNumbers(a: number, b: number): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function tierGrant(c: TierCandidate, reason?: string): ExplainedGrant {
	return {
		target: tierTarget,
		value: c.tier,
		origin: c.origin,
		source: c.source,
		...(reason ? { reason } : {}),
	};
}

function whyTierLost(winner: TierCandidate, loser: TierCandidate): string {
	const by = `${winner.tier} from ${winner.source}`;
	if (winner.tier !== loser.tier) return `a higher tier: ${by}`;
	if (loser.source === "fallback") return `equal tier, and a rule beats the fallback: ${by}`;
	if (winner.priority !== loser.priority) return `equal tier, lower priority ${winner.priority}: ${by}`;
	return `equal tier, decided by source order: ${by}`;
}

function grantKey(g: ExplainedGrant): string {
	const target = g.target.kind === "tier" ? "0" : `1:${g.target.projectSlug}:${g.target.projectId ?? ""}`;
	return [target, g.value, g.source ?? "", g.reason ?? ""].join("\u0000");
}

function ignoredKey(i: IgnoredValue): string {
	return [i.source ?? "", i.value, i.reason, i.detail ?? ""].join("\u0000");
}

function sortedBy<T>(items: T[], key: (item: T) => string): T[] {
	return items
		.map((item) => [key(item), item] as const)
		.sort(([a], [b]) => byCodeUnits(a, b))
		.map(([, item]) => item);
}

/** An inactive user keeps nothing; what would have applied is reported so the console can show why. */
function deactivate(active: AccessDecision): AccessDecision {
	const inactive = "user inactive";
	return {
		tier: "NONE",
		tierSource: "inactive",
		projectRoles: [],
		projectsToCreate: [],
		explanation: {
			granted: [{ target: tierTarget, value: "NONE", origin: { kind: "inactive" }, source: "inactive" }],
			overruled: sortedBy(
				[...active.explanation.granted, ...active.explanation.overruled].map((g) => ({
					...g,
					reason: inactive,
				})),
				grantKey,
			),
			ignored: sortedBy(
				active.explanation.ignored.map((i) => ({
					...i,
					reason: inactive,
					detail: i.detail ? `${i.reason}: ${i.detail}` : i.reason,
				})),
				ignoredKey,
			),
		},
	};
}

/**
 * Decides a user's organization tier and project roles from what the IdP sent (user and group `roles` /
 * `entitlements`, Roster URNs) and the console mappings, as the organization's role-source policy allows.
 * The highest tier wins (the fallback tier is always a candidate; ties go to the lower priority, IdP values
 * counting as 0, then to the source string); a project role lifts NONE to USER. Pure and deterministic: the
 * same input in any order gives the same decision, with every grant, loser and ignored value explained.
 * Rules: docs/decisions/0080-role-resolution.md.
 */
export function resolveAccess(input: AccessInput): AccessDecision {
	const { organization } = input;
	const candidates = gatherCandidates(input);
	const projects = resolveProjectRoles(organization, input.projects, candidates.projects);

	const fallback: TierCandidate = {
		tier: organization.fallbackTier,
		priority: Number.POSITIVE_INFINITY,
		source: "fallback",
		origin: { kind: "fallback" },
	};
	const [winner = fallback, ...losers] = [...candidates.tiers, fallback].sort(
		(a, b) =>
			compareTiers(b.tier, a.tier) ||
			compareNumbers(a.priority, b.priority) ||
			byCodeUnits(a.source, b.source),
	);
	const granted: ExplainedGrant[] = [...projects.granted];
	const overruled: ExplainedGrant[] = [
		...projects.overruled,
		...losers.map((l) => tierGrant(l, whyTierLost(winner, l))),
	];
	let tier = winner.tier;
	let tierSource = winner.source;
	const implying = projects.grants[0];
	const impliedBy = implying && projects.granted.find((g) => g.source === implying.source);
	if (tier === "NONE" && implying && impliedBy) {
		tier = "USER";
		tierSource = "implied:project-role";
		const reason = `a project role implies USER: ${implying.role} on ${implying.projectSlug}`;
		granted.push({ target: tierTarget, value: "USER", origin: impliedBy.origin, source: tierSource, reason });
		overruled.push(tierGrant(winner, reason));
	} else {
		granted.push(tierGrant(winner));
	}

	const decision: AccessDecision = {
		tier,
		tierSource,
		projectRoles: projects.grants,
		projectsToCreate: projects.projectsToCreate,
		explanation: {
			granted: sortedBy(granted, grantKey),
			overruled: sortedBy(overruled, grantKey),
			ignored: sortedBy([...candidates.ignored, ...projects.ignored], ignoredKey),
		},
	};
	return input.user.active ? decision : deactivate(decision);
}
