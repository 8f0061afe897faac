import { type Organization, rows, type Transaction, uuidArray } from "@roster/db";
import type { AccessDecision, AccessTier } from "@roster/domain";
import { sql } from "drizzle-orm";
import { decidedRoles, type HeldRole, rolesBefore, sameRoles } from "./held-roles.ts";
import { idpManaged } from "./idp-managed.ts";
import {
	type LoadedUser,
	loadMemberPage,
	loadOrganizationPage,
	loadUsers,
	type OrganizationKey,
	type UserPage,
	withGroups,
} from "./load.ts";
import { projectsToCreate, Resolutions, type UserAccessInput } from "./resolutions.ts";
import { type AccessStatics, loadAccessStatics, withProjects } from "./statics.ts";
import {
	type DecisionBatch,
	ensureProjects,
	type ProjectRoleWrites,
	type StoredRole,
	storeProjectRoles,
	storeTiers,
	usersOf,
} from "./store.ts";

/** Users per chunk: each chunk costs the same few statements, whatever the scope's size. */
export const RECOMPUTE_CHUNK = 5_000;

/** Up to this many users, the summary lists each user's access change (for their own audit events). */
export const ITEMIZED_SCOPE = 100;

/**
 * Whose access to recompute: listed users, the members of groups, or everyone in the organization. A local
 * (INTERNAL) user is never part of a scope (`idpManaged`), so its console-granted tier stays as granted.
 */
export type RecomputeScope =
	| { userIds: readonly string[] }
	| { groupIds: readonly string[] }
	| { organization: true };

export interface RecomputeOptions {
	/** False in transactions that changed mappings or projects: their reads must not be cached. */
	cacheable?: boolean;
	/** Called after each stored chunk with what it changed, for impact reports and progress. */
	observe?: (chunk: RecomputedChunk) => void;
}

/** What one stored chunk did: its users' tiers before and after, and the role rows it rewrote. */
export interface RecomputedChunk {
	/** The chunk's users as read before the write (`tier` is the tier they had). */
	users: readonly LoadedUser[];
	/** `tiers[i]` is the tier decided for `users[i]`. */
	tiers: readonly AccessTier[];
	roles: ProjectRoleWrites;
	/** Running totals over the chunks stored so far. */
	usersExamined: number;
	usersChanged: number;
}

/** One user's tier and project roles before and after a recompute that changed either. */
export interface AccessChange {
	tier: { old: AccessTier; new: AccessTier };
	roles: { old: HeldRole[]; new: HeldRole[] };
}

export interface RecomputeSummary {
	usersExamined: number;
	/** Users whose tier, tier source, explanation or project roles changed. */
	usersChanged: number;
	/** Per user whose tier or roles changed, when at most `ITEMIZED_SCOPE` users were examined; else undefined. */
	accessChanges: Map<string, AccessChange> | undefined;
	projectsCreated: number;
}

type PageReader = () => Promise<LoadedUser[] | undefined>;

function chunks<T>(items: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
	return out;
}

/** A scope walked by keyset, so a job can stop after any page and resume from its key. */
export type KeysetScope = Exclude<RecomputeScope, { userIds: readonly string[] }>;

/** Where a keyset walk continues: a member id for groups, `(created_at, id)` for an organization. */
export type ScopeKey = string | OrganizationKey;

/** One page of a keyset scope after `after`. */
function readPage(
	tx: Transaction,
	orgId: string,
	scope: KeysetScope,
	after: ScopeKey | undefined,
): Promise<UserPage<ScopeKey>> {
	if ("groupIds" in scope) {
		if (scope.groupIds.length === 0) return Promise.resolve({ users: [], next: undefined });
		return loadMemberPage(tx, orgId, scope.groupIds, after as string | undefined, RECOMPUTE_CHUNK);
	}
	return loadOrganizationPage(tx, orgId, after as OrganizationKey | undefined, RECOMPUTE_CHUNK);
}

/** The pages of a scope, read lazily so only one chunk of users is in memory at a time. */
function pagesOf(tx: Transaction, orgId: string, scope: RecomputeScope): PageReader {
	if ("userIds" in scope) {
		const pending = chunks([...new Set(scope.userIds)], RECOMPUTE_CHUNK);
		return async () => {
			const ids = pending.shift();
			return ids === undefined ? undefined : loadUsers(tx, orgId, ids);
		};
	}
	let after: ScopeKey | undefined;
	let done = false;
	return async () => {
		if (done) return undefined;
		const page = await readPage(tx, orgId, scope, after);
		after = page.next;
		done = page.next === undefined;
		return page.users;
	};
}

/**
 * Resolves a chunk, creating the projects its decisions ask for first (which changes the statics, so the
 * chunk is resolved again against them). Returns the statics and resolutions later chunks should use.
 */
async function resolveChunk(
	tx: Transaction,
	statics: AccessStatics,
	resolutions: Resolutions,
	inputs: readonly UserAccessInput[],
): Promise<{ statics: AccessStatics; resolutions: Resolutions; indexes: number[]; created: number }> {
	let indexes = inputs.map((input) => resolutions.indexFor(input));
	const wanted = projectsToCreate(indexes.map((i) => resolutions.decisions[i] as AccessDecision));
	if (wanted.length === 0) return { statics, resolutions, indexes, created: 0 };
	const { projects, created } = await ensureProjects(tx, statics.orgId, wanted);
	const next = withProjects(statics, projects);
	const fresh = new Resolutions(next);
	indexes = inputs.map((input) => fresh.indexFor(input));
	return { statics: next, resolutions: fresh, indexes, created };
}

/** A chunk's batch carrying only the decisions its users use, so a statement's size is bounded by its chunk. */
function chunkBatch(
	userIds: string[],
	indexes: readonly number[],
	decisions: readonly AccessDecision[],
): DecisionBatch {
	const local = new Map<number, number>();
	const used: AccessDecision[] = [];
	const decisionIndex = indexes.map((index) => {
		let at = local.get(index);
		if (at === undefined) {
			at = used.length;
			used.push(decisions[index] as AccessDecision);
			local.set(index, at);
		}
		return at;
	});
	return { userIds, decisionIndex, decisions: used };
}

/**
 * Recomputes and stores the effective access of a scope inside the caller's transaction, set-based: per
 * chunk of up to 5,000 users, one statement reads them, one their groups, then one UPDATE writes the
 * tiers that changed and one DELETE plus at most one INSERT bring `user_project_roles` in line. Users
 * with the same inputs share one resolution. Never a statement per user.
 */
/** The resolution state carried from chunk to chunk: statics grow when a chunk creates projects. */
interface ChunkState {
	statics: AccessStatics;
	resolutions: Resolutions;
}

interface StoredChunk {
	batch: DecisionBatch;
	roles: ProjectRoleWrites;
	changed: number;
	projectsCreated: number;
}

/** Resolves and stores one chunk of users (set-based: the same few statements whatever its size). */
async function storeChunk(
	tx: Transaction,
	organization: Organization,
	state: ChunkState,
	users: readonly LoadedUser[],
): Promise<StoredChunk> {
	const inputs = await withGroups(tx, users);
	const resolved = await resolveChunk(tx, state.statics, state.resolutions, inputs);
	state.statics = resolved.statics;
	state.resolutions = resolved.resolutions;
	const batch = chunkBatch(
		users.map((user) => user.id),
		resolved.indexes,
		state.resolutions.decisions,
	);
	const changed = await storeTiers(tx, organization.id, batch);
	const roles = await storeProjectRoles(tx, organization.id, batch);
	for (const id of usersOf(roles)) changed.add(id);
	return { batch, roles, changed: changed.size, projectsCreated: resolved.created };
}

async function chunkState(
	tx: Transaction,
	organization: Organization,
	cacheable: boolean,
): Promise<ChunkState> {
	const statics = await loadAccessStatics(tx, organization, { cacheable });
	return { statics, resolutions: new Resolutions(statics) };
}

/**
 * Recomputes and stores the effective access of a scope inside the caller's transaction, set-based: per
 * chunk of up to 5,000 users, one statement reads them, one their groups, then one UPDATE writes the
 * tiers that changed and one DELETE plus at most one INSERT bring `user_project_roles` in line. Users
 * with the same inputs share one resolution. Never a statement per user.
 */
export async function recomputeAccess(
	tx: Transaction,
	organization: Organization,
	scope: RecomputeScope,
	options: RecomputeOptions = {},
): Promise<RecomputeSummary> {
	const state = await chunkState(tx, organization, options.cacheable ?? true);
	const next = pagesOf(tx, organization.id, scope);
	const accessChanges = new Map<string, AccessChange>();
	let usersExamined = 0;
	let usersChanged = 0;
	let projectsCreated = 0;
	for (let users = await next(); users !== undefined; users = await next()) {
		if (users.length === 0) continue;
		const {
			batch,
			roles,
			changed,
			projectsCreated: created,
		} = await storeChunk(tx, organization, state, users);
		projectsCreated += created;
		usersExamined += users.length;
		usersChanged += changed;
		if (options.observe) {
			const tiers = users.map(
				(_, i) => (batch.decisions[batch.decisionIndex[i] as number] as AccessDecision).tier,
			);
			options.observe({ users, tiers, roles, usersExamined, usersChanged });
		}
		if (usersExamined <= ITEMIZED_SCOPE) itemize(accessChanges, users, batch, roles, state.statics);
	}
	return {
		usersExamined,
		usersChanged,
		accessChanges: usersExamined <= ITEMIZED_SCOPE ? accessChanges : undefined,
		projectsCreated,
	};
}

function byUser(rows: readonly StoredRole[]): Map<string, StoredRole[]> {
	const grouped = new Map<string, StoredRole[]>();
	for (const row of rows) {
		const mine = grouped.get(row.userId);
		if (mine) mine.push(row);
		else grouped.set(row.userId, [row]);
	}
	return grouped;
}

/** Adds the chunk's users whose tier or roles it changed to `changes`, with both before and after. */
function itemize(
	changes: Map<string, AccessChange>,
	users: readonly LoadedUser[],
	batch: DecisionBatch,
	writes: ProjectRoleWrites,
	statics: AccessStatics,
): void {
	const removed = byUser(writes.removed);
	const added = byUser(writes.added);
	users.forEach((user, i) => {
		const decision = batch.decisions[batch.decisionIndex[i] as number] as AccessDecision;
		const after = decidedRoles(decision);
		const before = rolesBefore(
			after,
			{ removed: removed.get(user.id) ?? [], added: added.get(user.id) ?? [] },
			statics.projects,
		);
		if (decision.tier === user.tier && sameRoles(before, after)) return;
		changes.set(user.id, {
			tier: { old: user.tier, new: decision.tier },
			roles: { old: before, new: after },
		});
	});
}

/** What one chunk of a job's recompute did, and where the next one starts (undefined: the scope is done). */
export interface RecomputedPage {
	usersExamined: number;
	usersChanged: number;
	next: ScopeKey | undefined;
}

/**
 * Recomputes the one chunk of a keyset scope that follows `after`, in the caller's transaction: the unit
 * of a recompute job, whose checkpoint is the returned `next`. Recomputing a user is idempotent, and the
 * chunk commits with its checkpoint, so a resumed job neither skips nor repeats a chunk.
 */
export async function recomputePage(
	tx: Transaction,
	organization: Organization,
	scope: KeysetScope,
	after: ScopeKey | undefined,
): Promise<RecomputedPage> {
	const page = await readPage(tx, organization.id, scope, after);
	if (page.users.length === 0) return { usersExamined: 0, usersChanged: 0, next: page.next };
	const state = await chunkState(tx, organization, false);
	const stored = await storeChunk(tx, organization, state, page.users);
	return { usersExamined: page.users.length, usersChanged: stored.changed, next: page.next };
}

/** How many IdP-managed users a keyset scope holds: a job's total, compared with the job threshold first. */
export async function scopeSize(tx: Transaction, orgId: string, scope: KeysetScope): Promise<number> {
	const [found] = await rows<{ size: number }>(
		tx,
		"groupIds" in scope
			? sql`select count(distinct gm.user_id)::int as size from group_members as gm
					join users as u on u.id = gm.user_id
					where gm.group_id in (select unnest(${uuidArray(scope.groupIds)})) and ${idpManaged("u")}`
			: sql`select count(*)::int as size from users as u where u.org_id = ${orgId}::uuid and ${idpManaged("u")}`,
	);
	return found?.size ?? 0;
}
