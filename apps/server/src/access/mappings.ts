import type { Executor } from "@roster/db";
import {
	accessTier,
	type Organization,
	organizations,
	type RoleMapping,
	roleMappings,
	roleMatchKinds,
	roleTargetKinds,
	rows,
	type Transaction,
} from "@roster/db";
import { diffFields } from "@roster/domain";
import { isUuid } from "@roster/scim";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { accessMetadata } from "../audit/access-evidence.ts";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { type RecomputeScope, recomputeAccess } from "./recompute.ts";

const mappingFields = z.object({
	matchKind: z.enum(roleMatchKinds),
	matchValue: z.string().trim().min(1).max(512),
	targetKind: z.enum(roleTargetKinds),
	tier: z.enum(accessTier.enumValues).nullable().default(null),
	projectSelector: z.string().trim().min(1).max(200).nullable().default(null),
	projectRole: z.string().trim().min(1).max(100).nullable().default(null),
	priority: z.number().int().min(0).max(1_000_000).default(100),
});

/** A role mapping as an operator states it: what the IdP sends → a tier or a role on a project. */
export type RoleMappingInput = z.input<typeof mappingFields>;
type MappingFields = z.output<typeof mappingFields>;

/** A mapping change's outcome: the mapping as stored and what recomputing access did. */
export interface RoleMappingResult {
	mapping: RoleMapping;
	usersRecomputed: number;
	usersChanged: number;
}

function invalid(error: z.ZodError): OperationError {
	const issue = error.issues[0];
	const field = issue?.path.join(".") || "mapping";
	return new OperationError("invalid", `Invalid ${field}: ${issue?.message ?? "bad value"}`);
}

/** Parses a mapping and checks what zod cannot: the target's fields fit its kind and the role exists. */
function validMapping(input: unknown, organization: Organization): MappingFields {
	const parsed = mappingFields.safeParse(input);
	if (!parsed.success) throw invalid(parsed.error);
	const mapping = parsed.data;
	if (mapping.targetKind === "tier") {
		if (mapping.tier === null) throw new OperationError("invalid", "A tier mapping needs a tier");
		return { ...mapping, projectSelector: null, projectRole: null };
	}
	if (mapping.projectSelector === null || mapping.projectRole === null) {
		throw new OperationError("invalid", "A project-role mapping needs a project (id, slug or *) and a role");
	}
	if (!organization.projectRoles.includes(mapping.projectRole)) {
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

/**
 * The shared shape of every mapping change, in ONE transaction: bump the access version, write the
 * mapping, recompute exactly the users it can affect (set-based), and record the audit event with how
 * many users were recomputed and changed.
 */
async function changeMapping(
	db: Executor,
	input: { organization: Organization; actor: OperatorActor },
	action: "ROLE_MAPPING_CREATED" | "ROLE_MAPPING_UPDATED" | "ROLE_MAPPING_DELETED",
	write: (
		tx: Transaction,
		organization: Organization,
	) => Promise<{ before: RoleMapping | undefined; after: RoleMapping | undefined }>,
): Promise<RoleMappingResult> {
	return db.transaction(async (tx) => {
		const organization = await bumpAccessVersion(tx, input.organization);
		const { before, after } = await write(tx, organization);
		const mapping = after ?? before;
		if (!mapping) throw new Error("a mapping change wrote no mapping");
		const scope = await affected(
			tx,
			organization.id,
			[before, after].filter((m) => m !== undefined),
		);
		const summary = scope
			? await recomputeAccess(tx, organization, scope, { cacheable: false })
			: { usersExamined: 0, usersChanged: 0 };
		await recordOperatorEvents(tx, organization.id, input.actor, [
			{
				action,
				entityType: "RoleMapping",
				entityId: mapping.id,
				entityName: describe(mapping),
				changes: diffFields(snapshot(before), snapshot(after)),
				metadata: accessMetadata(summary),
			},
		]);
		return { mapping, usersRecomputed: summary.usersExamined, usersChanged: summary.usersChanged };
	});
}

/** Adds a console role mapping and applies it to everyone it matches, in one audited transaction. */
export async function createRoleMapping(
	db: Executor,
	input: { organization: Organization; mapping: RoleMappingInput; actor: OperatorActor },
): Promise<RoleMappingResult> {
	const fields = validMapping(input.mapping, input.organization);
	return changeMapping(db, input, "ROLE_MAPPING_CREATED", async (tx, organization) => {
		const [after] = await tx
			.insert(roleMappings)
			.values({ ...fields, orgId: organization.id, createdBy: input.actor.name })
			.returning();
		return { before: undefined, after };
	});
}

/** Changes a mapping (any of its fields); users it stops or starts matching are recomputed alike. */
export async function updateRoleMapping(
	db: Executor,
	input: { organization: Organization; id: string; change: Partial<RoleMappingInput>; actor: OperatorActor },
): Promise<RoleMappingResult> {
	return changeMapping(db, input, "ROLE_MAPPING_UPDATED", async (tx, organization) => {
		const before = await lockMapping(tx, organization.id, input.id);
		const fields = validMapping({ ...snapshot(before), ...input.change }, organization);
		const [after] = await tx
			.update(roleMappings)
			.set(fields)
			.where(eq(roleMappings.id, before.id))
			.returning();
		return { before, after };
	});
}

/** Removes a mapping; the users it granted something fall back to what the remaining rules give. */
export async function deleteRoleMapping(
	db: Executor,
	input: { organization: Organization; id: string; actor: OperatorActor },
): Promise<RoleMappingResult> {
	return changeMapping(db, input, "ROLE_MAPPING_DELETED", async (tx, organization) => {
		const before = await lockMapping(tx, organization.id, input.id);
		await tx.delete(roleMappings).where(eq(roleMappings.id, before.id));
		return { before, after: undefined };
	});
}

/** An organization's mappings in the order they are ranked: priority, then creation. */
export async function listRoleMappings(db: Executor, organization: Organization): Promise<RoleMapping[]> {
	return db
		.select()
		.from(roleMappings)
		.where(eq(roleMappings.orgId, organization.id))
		.orderBy(roleMappings.priority, roleMappings.createdAt, roleMappings.id);
}
