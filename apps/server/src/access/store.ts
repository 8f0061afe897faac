import { intArray, rows, type Transaction, uuidArray } from "@roster/db";
import type { AccessDecision, AccessProject } from "@roster/domain";
import { type SQL, sql } from "drizzle-orm";

/**
 * Decisions for a set of users: user `userIds[i]` gets `decisions[decisionIndex[i]]`. Users share
 * decisions, so a 5,000-user chunk with one distinct input sends one decision, not 5,000 copies.
 */
export interface DecisionBatch {
	userIds: string[];
	decisionIndex: number[];
	decisions: readonly AccessDecision[];
}

/** The decisions as stored: tier, its source, the explanation and the project roles that have a project. */
function decisionsJson(decisions: readonly AccessDecision[]): string {
	return JSON.stringify(
		decisions.map((decision) => ({
			tier: decision.tier,
			source: decision.tierSource,
			explanation: decision.explanation,
			projectRoles: decision.projectRoles.flatMap((grant) =>
				grant.projectId === null
					? []
					: [{ projectId: grant.projectId, role: grant.role, source: grant.source }],
			),
		})),
	);
}

/** `(user_id, decision)` rows of a batch, joined from two arrays and one jsonb array of decisions. */
function assigned(batch: DecisionBatch): SQL {
	return sql`select v.user_id, d.value as decision
		from unnest(${uuidArray(batch.userIds)}, ${intArray(batch.decisionIndex.map((i) => i + 1))}) as v(user_id, n)
		join jsonb_array_elements(${decisionsJson(batch.decisions)}::jsonb) with ordinality as d(value, n) on d.n = v.n`;
}

function changedIds(found: { user_id: string }[]): Set<string> {
	return new Set(found.map((row) => row.user_id));
}

/**
 * Writes tier, tier source and explanation in one `UPDATE … FROM`, touching only rows where one of them
 * differs (so an unchanged user keeps its row version and `access_computed_at`). Returns who changed.
 */
export async function storeTiers(tx: Transaction, orgId: string, batch: DecisionBatch): Promise<Set<string>> {
	if (batch.userIds.length === 0) return new Set();
	return changedIds(
		await rows<{ user_id: string }>(
			tx,
			sql`update users as u set
					access_tier = (a.decision->>'tier')::access_tier,
					access_tier_source = a.decision->>'source',
					access_explanation = a.decision->'explanation',
					access_computed_at = now()
				from (${assigned(batch)}) as a
				where u.id = a.user_id and u.org_id = ${orgId}::uuid
					and (u.access_tier::text is distinct from a.decision->>'tier'
						or u.access_tier_source is distinct from a.decision->>'source'
						or u.access_explanation is distinct from a.decision->'explanation')
				returning u.id as user_id`,
		),
	);
}

function wantedRoles(batch: DecisionBatch): SQL {
	return sql`select a.user_id, (r.value->>'projectId')::uuid as project_id, r.value->>'role' as role,
			r.value->>'source' as source
		from (${assigned(batch)}) as a
		cross join jsonb_array_elements(a.decision->'projectRoles') as r(value)`;
}

/** One `user_project_roles` row a recompute deleted or inserted. */
export interface StoredRole {
	userId: string;
	projectId: string;
	role: string;
}

/** The rows a recompute deleted and inserted; a role whose only change is its source shows in both. */
export interface ProjectRoleWrites {
	removed: StoredRole[];
	added: StoredRole[];
}

interface RoleRow {
	user_id: string;
	project_id: string;
	role: string;
}

function storedRoles(found: RoleRow[]): StoredRole[] {
	return found.map((row) => ({ userId: row.user_id, projectId: row.project_id, role: row.role }));
}

/** The users whose project roles a write changed. */
export function usersOf(writes: ProjectRoleWrites): Set<string> {
	return new Set([...writes.removed, ...writes.added].map((row) => row.userId));
}

/**
 * Makes the batch's `user_project_roles` rows exactly the decided ones: one DELETE of rows no longer
 * decided (or decided differently), then, when any role is decided, one INSERT of the missing ones.
 * Returns the rows it deleted and inserted, so callers can tell who lost or gained which role.
 */
export async function storeProjectRoles(
	tx: Transaction,
	orgId: string,
	batch: DecisionBatch,
): Promise<ProjectRoleWrites> {
	if (batch.userIds.length === 0) return { removed: [], added: [] };
	const removed = await rows<RoleRow>(
		tx,
		sql`with wanted as (${wantedRoles(batch)})
			delete from user_project_roles as r
			where r.user_id in (select unnest(${uuidArray(batch.userIds)}))
				and not exists (select 1 from wanted as w
					where w.user_id = r.user_id and w.project_id = r.project_id and w.role = r.role and w.source = r.source)
			returning r.user_id, r.project_id, r.role`,
	);
	if (!batch.decisions.some((decision) => decision.projectRoles.some((grant) => grant.projectId !== null))) {
		return { removed: storedRoles(removed), added: [] };
	}
	const added = await rows<RoleRow>(
		tx,
		sql`insert into user_project_roles (user_id, project_id, org_id, role, source)
			select w.user_id, w.project_id, ${orgId}::uuid, w.role, w.source from (${wantedRoles(batch)}) as w
			on conflict (user_id, project_id) do nothing
			returning user_id, project_id, role`,
	);
	return { removed: storedRoles(removed), added: storedRoles(added) };
}

/**
 * Creates the projects entitlements asked for (`on conflict do nothing`, so a concurrent creation is
 * simply found) and bumps the organization's access version when it created any, since projects are
 * resolution input. Returns every requested project with its id.
 */
export async function ensureProjects(
	tx: Transaction,
	orgId: string,
	slugs: readonly string[],
): Promise<{ projects: AccessProject[]; created: number }> {
	if (slugs.length === 0) return { projects: [], created: 0 };
	const slugArray = sql`${JSON.stringify(slugs)}::jsonb`;
	const created = await rows<{ id: string; slug: string }>(
		tx,
		sql`insert into projects (org_id, slug, name, created_by_source)
			select ${orgId}::uuid, s.slug, s.slug, 'entitlement' from jsonb_array_elements_text(${slugArray}) as s(slug)
			on conflict do nothing
			returning id, slug`,
	);
	if (created.length > 0) {
		await tx.execute(
			sql`update organizations set access_version = access_version + 1, updated_at = now() where id = ${orgId}::uuid`,
		);
	}
	const projects =
		created.length === slugs.length
			? created
			: await rows<{ id: string; slug: string }>(
					tx,
					sql`select id, slug from projects
						where org_id = ${orgId}::uuid and slug in (select jsonb_array_elements_text(${slugArray}))`,
				);
	return { projects: projects.map((p) => ({ id: p.id, slug: p.slug })), created: created.length };
}
