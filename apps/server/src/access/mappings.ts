import {
	type Executor,
	type Organization,
	organizations,
	type RoleMapping,
	roleMappings,
	rows,
	type Transaction,
} from "@roster/db";
import { diffFields } from "@roster/domain";
import {
	IMPACT_SAMPLE,
	type MappingChange,
	type MappingFields,
	type MappingInput,
	mappingInput,
} from "@roster/domain/inputs/mappings";
import { isUuid } from "@roster/scim";
import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { accessMetadata } from "../audit/access-evidence.ts";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { accessChangeEvents } from "./change-events.ts";
import { type AccessImpact, ImpactCollector } from "./impact.ts";
import { type AccessChange, type RecomputeScope, recomputeAccess, scopeSize } from "./recompute.ts";
import { enqueueRecompute } from "./recompute-job.ts";

/** A role mapping as an operator states it: what the IdP sends → a tier or a role on a project. */
export type RoleMappingInput = MappingInput;

/** A mapping change's outcome: the mapping as stored, what recomputing access did and whom it moved. */
export interface RoleMappingResult {
	mapping: RoleMapping;
	usersRecomputed: number;
	usersChanged: number;
	impact: AccessImpact;
	/** Set when the scope was above the job threshold: the recompute runs in this job after the commit. */
	job?: { id: string; total: number };
}

/** How far a mapping change's recompute has come: reported once the mapping is written, then per chunk. */
export interface MappingProgress {
	usersExamined: number;
	usersChanged: number;
}

export interface MappingChangeOptions {
	/** Called with the running totals; a large change reports every `RECOMPUTE_CHUNK` users. */
	onProgress?: (progress: MappingProgress) => void;
	/** How many affected users the impact lists one by one (default `IMPACT_SAMPLE`). */
	sample?: number | undefined;
	/**
	 * A save whose change can affect more users than this commits at once and recomputes in a background
	 * job (the console passes the configured `RECOMPUTE_JOB_ABOVE`); unset, the recompute runs
	 * in the save's transaction, as the CLI wants. A preview always recomputes in its rolled-back transaction.
	 */
	jobThreshold?: number;
}

function invalid(error: z.ZodError): OperationError {
	const issue = error.issues[0];
	const field = issue?.path.join(".") || "mapping";
	return new OperationError("invalid", `Invalid ${field}: ${issue?.message ?? "bad value"}`);
}

/** Parses a mapping with the shared schema and checks what it cannot: the project role exists here. */
function validMapping(input: unknown, organization: Organization): MappingFields {
	const parsed = mappingInput.safeParse(input);
	if (!parsed.success) throw invalid(parsed.error);
	const mapping = parsed.data;
	if (mapping.targetKind === "tier") return { ...mapping, projectSelector: null, projectRole: null };
	if (!organization.projectRoles.includes(mapping.projectRole as string)) {
		throw new OperationError(
			"invalid",
			`Unknown project role "${mapping.projectRole}": use one of ${organization.projectRoles.join(", ")}`,
		);
	}
	return { ...mapping, tier: null };
}

/** Bumps the organization's access version (locking its row, so mapping changes of one organization run one at a time). */
async function bumpAccessVersion(tx: Transaction, organization: Organization): Promise<Organization> {
	const [bumped] = await tx
		.update(organizations)
		.set({ accessVersion: sql`${organizations.accessVersion} + 1`, updatedAt: new Date() })
		.where(eq(organizations.id, organization.id))
		.returning();
	if (!bumped) throw new OperationError("not_found", `Unknown organization "${organization.slug}"`);
	return bumped;
}

async function lockMapping(tx: Transaction, orgId: string, id: string): Promise<RoleMapping> {
	const [found] = isUuid(id)
		? await tx
				.select()
				.from(roleMappings)
				.where(and(eq(roleMappings.orgId, orgId), eq(roleMappings.id, id)))
				.for("update")
		: [];
	if (!found) throw new OperationError("not_found", `Unknown role mapping "${id}"`);
	return found;
}

/**
 * The users a mapping can touch: the members of the groups it names (by the old and the new match, so
 * users leave and join it alike), or the whole organization when a role URN pattern is involved.
 */
async function affected(
	tx: Transaction,
	orgId: string,
	mappings: readonly Pick<RoleMapping, "matchKind" | "matchValue">[],
): Promise<RecomputeScope | undefined> {
	if (mappings.some((mapping) => mapping.matchKind === "role_urn")) return { organization: true };
	const names = mappings.filter((m) => m.matchKind === "group_display_name").map((m) => m.matchValue);
	const externalIds = mappings.filter((m) => m.matchKind === "group_external_id").map((m) => m.matchValue);
	const found = await rows<{ id: string }>(
		tx,
		sql`select id from groups where org_id = ${orgId}::uuid and (
			lower(display_name) in (select lower(v) from jsonb_array_elements_text(${JSON.stringify(names)}::jsonb) as n(v))
			or external_id in (select jsonb_array_elements_text(${JSON.stringify(externalIds)}::jsonb)))`,
	);
	return found.length === 0 ? undefined : { groupIds: found.map((group) => group.id) };
}

function describe(mapping: Pick<RoleMapping, "matchKind" | "matchValue">): string {
	return `${mapping.matchKind}:${mapping.matchValue}`;
}

function snapshot(mapping: MappingFields | RoleMapping | undefined): Record<string, unknown> {
	if (!mapping) return {};
	const { matchKind, matchValue, targetKind, tier, projectSelector, projectRole, priority } = mapping;
	return { matchKind, matchValue, targetKind, tier, projectSelector, projectRole, priority };
}

type MappingWrite = (
	tx: Transaction,
	organization: Organization,
) => Promise<{ before: RoleMapping | undefined; after: RoleMapping | undefined }>;

interface AppliedChange {
	organization: Organization;
	before: RoleMapping | undefined;
	after: RoleMapping | undefined;
	mapping: RoleMapping;
	impact: AccessImpact;
	/** Each user whose tier or roles moved, when few enough to itemize (`ITEMIZED_SCOPE`). */
	accessChanges?: ReadonlyMap<string, AccessChange>;
	job?: { id: string; total: number };
}

/** How a change's recompute runs: here, or (a save above the threshold) in a job for this actor. */
type RecomputeMode = { inline: true } | { inline: false; actor: OperatorActor; threshold: number };

/**
 * What every mapping change does inside the caller's transaction, whether it is then committed (a save)
 * or rolled back (a preview): bump the access version, write the mapping, recompute exactly the users it
 * can affect (set-based, chunked) and collect whom that moved.
 */
async function applyChange(
	tx: Transaction,
	organization: Organization,
	write: MappingWrite,
	options: MappingChangeOptions,
	mode: RecomputeMode = { inline: true },
): Promise<AppliedChange> {
	const bumped = await bumpAccessVersion(tx, organization);
	const { before, after } = await write(tx, bumped);
	const mapping = after ?? before;
	if (!mapping) throw new Error("a mapping change wrote no mapping");
	const scope = await affected(
		tx,
		bumped.id,
		[before, after].filter((m) => m !== undefined),
	);
	options.onProgress?.({ usersExamined: 0, usersChanged: 0 });
	const impact = new ImpactCollector(options.sample ?? IMPACT_SAMPLE);
	if (scope && !("userIds" in scope) && !mode.inline) {
		const total = await scopeSize(tx, bumped.id, scope);
		if (total > mode.threshold) {
			const job = await enqueueRecompute(tx, {
				orgId: bumped.id,
				scope,
				total,
				mappingId: mapping.id,
				actor: mode.actor,
			});
			const none = await impact.finish(tx, { usersExamined: 0, usersChanged: 0 });
			return { organization: bumped, before, after, mapping, impact: none, job: { id: job.id, total } };
		}
	}
	const summary = scope
		? await recomputeAccess(tx, bumped, scope, {
				cacheable: false,
				observe: (chunk) => {
					impact.observe(chunk);
					options.onProgress?.({ usersExamined: chunk.usersExamined, usersChanged: chunk.usersChanged });
				},
			})
		: { usersExamined: 0, usersChanged: 0, accessChanges: undefined };
	return {
		organization: bumped,
		before,
		after,
		mapping,
		impact: await impact.finish(tx, summary),
		accessChanges: summary.accessChanges,
	};
}

/**
 * A saved mapping change, in ONE transaction: the change with its recompute, the audit event with how
 * many users were recomputed and changed, and (few enough to itemize) each moved user's `access.changed`.
 */
async function changeMapping(
	db: Executor,
	input: { organization: Organization; actor: OperatorActor },
	action: "ROLE_MAPPING_CREATED" | "ROLE_MAPPING_UPDATED" | "ROLE_MAPPING_DELETED",
	write: MappingWrite,
	options: MappingChangeOptions,
): Promise<RoleMappingResult> {
	return db.transaction(async (tx) => {
		const { organization, before, after, mapping, impact, accessChanges, job } = await applyChange(
			tx,
			input.organization,
			write,
			options,
			options.jobThreshold === undefined
				? { inline: true }
				: { inline: false, actor: input.actor, threshold: options.jobThreshold },
		);
		await recordOperatorEvents(tx, organization.id, input.actor, [
			{
				action,
				entityType: "RoleMapping",
				entityId: mapping.id,
				entityName: describe(mapping),
				changes: diffFields(snapshot(before), snapshot(after)),
				metadata: job ? { recomputeJobId: job.id, usersToRecompute: job.total } : accessMetadata(impact),
			},
			...(await accessChangeEvents(tx, accessChanges, {
				mapping: { id: mapping.id, description: describe(mapping) },
			})),
		]);
		return {
			mapping,
			usersRecomputed: impact.usersExamined,
			usersChanged: impact.usersChanged,
			impact,
			...(job && { job }),
		};
	});
}

function creation(fields: MappingFields, createdBy: string): MappingWrite {
	return async (tx, organization) => {
		const [after] = await tx
			.insert(roleMappings)
			.values({ ...fields, orgId: organization.id, createdBy })
			.returning();
		return { before: undefined, after };
	};
}

function update(id: string, change: Partial<MappingInput>): MappingWrite {
	return async (tx, organization) => {
		const before = await lockMapping(tx, organization.id, id);
		const fields = validMapping({ ...snapshot(before), ...change }, organization);
		const [after] = await tx
			.update(roleMappings)
			.set(fields)
			.where(eq(roleMappings.id, before.id))
			.returning();
		return { before, after };
	};
}

function deletion(id: string): MappingWrite {
	return async (tx, organization) => {
		const before = await lockMapping(tx, organization.id, id);
		await tx.delete(roleMappings).where(eq(roleMappings.id, before.id));
		return { before, after: undefined };
	};
}

/** Adds a console role mapping and applies it to everyone it matches, in one audited transaction. */
export async function createRoleMapping(
	db: Executor,
	input: { organization: Organization; mapping: RoleMappingInput; actor: OperatorActor },
	options: MappingChangeOptions = {},
): Promise<RoleMappingResult> {
	const fields = validMapping(input.mapping, input.organization);
	return changeMapping(db, input, "ROLE_MAPPING_CREATED", creation(fields, input.actor.name), options);
}

/** Changes a mapping (any of its fields); users it stops or starts matching are recomputed alike. */
export async function updateRoleMapping(
	db: Executor,
	input: { organization: Organization; id: string; change: Partial<RoleMappingInput>; actor: OperatorActor },
	options: MappingChangeOptions = {},
): Promise<RoleMappingResult> {
	return changeMapping(db, input, "ROLE_MAPPING_UPDATED", update(input.id, input.change), options);
}

/** Removes a mapping; the users it granted something fall back to what the remaining rules give. */
export async function deleteRoleMapping(
	db: Executor,
	input: { organization: Organization; id: string; actor: OperatorActor },
	options: MappingChangeOptions = {},
): Promise<RoleMappingResult> {
	return changeMapping(db, input, "ROLE_MAPPING_DELETED", deletion(input.id), options);
}

/** Saves a change as the console states it (create, update or delete), the same shape its preview takes. */
export async function saveMappingChange(
	db: Executor,
	input: { organization: Organization; change: MappingChange; actor: OperatorActor },
	options: MappingChangeOptions = {},
): Promise<RoleMappingResult> {
	const { organization, change, actor } = input;
	if (change.action === "delete")
		return deleteRoleMapping(db, { organization, id: change.id, actor }, options);
	const fields = withoutAction(change);
	if (change.action === "create")
		return createRoleMapping(db, { organization, mapping: fields, actor }, options);
	return updateRoleMapping(db, { organization, id: change.id, change: fields, actor }, options);
}

/** Thrown to roll a preview's transaction back once its impact is known. */
class PreviewDone extends Error {
	constructor(readonly impact: AccessImpact) {
		super("preview rolled back");
	}
}

/**
 * Exactly whom a proposed change would move, WITHOUT storing it: the real change and its recompute run in a
 * transaction that is rolled back after their impact is collected, so the preview is what the save would
 * do by construction (docs/decisions/0155). Nothing is audited; no row outlives the call.
 */
export async function previewMappingChange(
	db: Executor,
	input: { organization: Organization; change: MappingChange },
	options: { sample?: number } = {},
): Promise<AccessImpact> {
	const { organization, change } = input;
	const write =
		change.action === "delete"
			? deletion(change.id)
			: change.action === "update"
				? update(change.id, withoutAction(change))
				: creation(validMapping(withoutAction(change), organization), "preview");
	try {
		await db.transaction(async (tx) => {
			const { impact } = await applyChange(tx, organization, write, { sample: options.sample });
			throw new PreviewDone(impact);
		});
	} catch (error) {
		if (error instanceof PreviewDone) return error.impact;
		throw error;
	}
	throw new Error("a preview transaction committed");
}

function withoutAction<T extends { action: string; id?: string }>(change: T): Omit<T, "action" | "id"> {
	const { action: _action, id: _id, ...fields } = change;
	return fields;
}

/** An organization's mappings in the order they are ranked: priority, then creation. */
export async function listRoleMappings(db: Executor, organization: Organization): Promise<RoleMapping[]> {
	return db
		.select()
		.from(roleMappings)
		.where(eq(roleMappings.orgId, organization.id))
		.orderBy(roleMappings.priority, roleMappings.createdAt, roleMappings.id);
}
