import type { Organization, Transaction } from "@roster/db";
import type { AccessDecision, AccessTier } from "@roster/domain";
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
	storeProjectRoles,
	storeTiers,
	usersOf,
} from "./store.ts";

/** Users per chunk: each chunk costs the same few statements, whatever the scope's size. */
export const RECOMPUTE_CHUNK = 5_000;

/** Up to this many users, the summary lists each tier change (for the audit event of the write). */
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

export interface TierChange {
	old: AccessTier;
	new: AccessTier;
}

export interface RecomputeSummary {
	usersExamined: number;
	/** Users whose tier, tier source, explanation or project roles changed. */
	usersChanged: number;
	/** Per user, when at most `ITEMIZED_SCOPE` users were examined; otherwise undefined. */
	tierChanges: Map<string, TierChange> | undefined;
	projectsCreated: number;
}

type PageReader = () => Promise<LoadedUser[] | undefined>;

function chunks<T>(items: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
	return out;
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
	const walk = <Key>(read: (after: Key | undefined) => Promise<UserPage<Key>>): PageReader => {
		let after: Key | undefined;
		let done = false;
		return async () => {
			if (done) return undefined;
			const page = await read(after);
			after = page.next;
			done = page.next === undefined;
			return page.users;
		};
	};
	if ("groupIds" in scope) {
		if (scope.groupIds.length === 0) return async () => undefined;
		return walk<string>((after) => loadMemberPage(tx, orgId, scope.groupIds, after, RECOMPUTE_CHUNK));
	}
	return walk<OrganizationKey>((after) => loadOrganizationPage(tx, orgId, after, RECOMPUTE_CHUNK));
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
export async function recomputeAccess(
	tx: Transaction,
	organization: Organization,
	scope: RecomputeScope,
	options: RecomputeOptions = {},
): Promise<RecomputeSummary> {
	let statics = await loadAccessStatics(tx, organization, { cacheable: options.cacheable ?? true });
	let resolutions = new Resolutions(statics);
	const next = pagesOf(tx, organization.id, scope);
	const tierChanges = new Map<string, TierChange>();
	let usersExamined = 0;
	let usersChanged = 0;
	let projectsCreated = 0;
	for (let users = await next(); users !== undefined; users = await next()) {
		if (users.length === 0) continue;
		const inputs = await withGroups(tx, users);
		const resolved = await resolveChunk(tx, statics, resolutions, inputs);
		({ statics, resolutions } = resolved);
		projectsCreated += resolved.created;
		const batch = chunkBatch(
			users.map((user) => user.id),
			resolved.indexes,
			resolutions.decisions,
		);
		const changed = await storeTiers(tx, organization.id, batch);
		const roles = await storeProjectRoles(tx, organization.id, batch);
		for (const id of usersOf(roles)) changed.add(id);
		usersExamined += users.length;
		usersChanged += changed.size;
		if (options.observe) {
			const tiers = users.map(
				(_, i) => (batch.decisions[batch.decisionIndex[i] as number] as AccessDecision).tier,
			);
			options.observe({ users, tiers, roles, usersExamined, usersChanged });
		}
		if (usersExamined > ITEMIZED_SCOPE) continue;
		users.forEach((user, i) => {
			const tier = batch.decisions[batch.decisionIndex[i] as number]?.tier;
			if (tier !== undefined && tier !== user.tier) tierChanges.set(user.id, { old: user.tier, new: tier });
		});
	}
	return {
		usersExamined,
		usersChanged,
		tierChanges: usersExamined <= ITEMIZED_SCOPE ? tierChanges : undefined,
		projectsCreated,
	};
}
