import { rows, type Transaction, uuidArray } from "@roster/db";
import { type AccessTier, compareTiers } from "@roster/domain";
import { sql } from "drizzle-orm";
import type { RecomputedChunk } from "./recompute.ts";
import type { StoredRole } from "./store.ts";

/** A tier before → after. */
export interface TierMove {
	before: AccessTier;
	after: AccessTier;
}

/** A role on one project before → after; `null` is no role there. Never equal roles. */
export interface RoleMove {
	project: string;
	before: string | null;
	after: string | null;
}

/** One user whose tier or project roles a change moves. */
export interface ImpactedUser {
	id: string;
	userName: string;
	displayName: string | null;
	/** Null when the tier stays. */
	tier: TierMove | null;
	projectRoles: RoleMove[];
}

/**
 * Exactly who gains or loses what through a recompute: counts per kind of change over every user it
 * examined, and the first `sample` users with their moves. `usersChanged` also counts users whose only
 * change is the stored explanation or a grant's source, which moves no access.
 */
export interface AccessImpact {
	usersExamined: number;
	usersChanged: number;
	/** Users whose tier or some project role changes. */
	usersAffected: number;
	tierRaised: number;
	tierLowered: number;
	rolesGained: number;
	rolesLost: number;
	rolesChanged: number;
	/** The first affected users, in the order the recompute met them. */
	users: ImpactedUser[];
}

interface PendingUser {
	id: string;
	tier: TierMove | null;
	roles: { projectId: string; before: string | null; after: string | null }[];
}

function byUserAndProject(found: readonly StoredRole[]): Map<string, Map<string, string>> {
	const out = new Map<string, Map<string, string>>();
	for (const row of found) {
		const roles = out.get(row.userId) ?? new Map<string, string>();
		roles.set(row.projectId, row.role);
		out.set(row.userId, roles);
	}
	return out;
}

/**
 * Folds recomputed chunks into an `AccessImpact` as they are stored, keeping only counts and the sample in
 * memory, so a 100,000-user change costs no more than its chunks. The tier before is the one the
 * recompute read; a role's before and after are the rows it deleted and inserted (the same role on both
 * sides is a source change only).
 */
export class ImpactCollector {
	readonly #sample: number;
	readonly #pending: PendingUser[] = [];
	#counts = {
		usersAffected: 0,
		tierRaised: 0,
		tierLowered: 0,
		rolesGained: 0,
		rolesLost: 0,
		rolesChanged: 0,
	};

	constructor(sample: number) {
		this.#sample = sample;
	}

	readonly observe = (chunk: RecomputedChunk): void => {
		const removed = byUserAndProject(chunk.roles.removed);
		const added = byUserAndProject(chunk.roles.added);
		chunk.users.forEach((user, i) => {
			const after = chunk.tiers[i] as AccessTier;
			const tier = after === user.tier ? null : { before: user.tier, after };
			const roles = this.#roleMoves(removed.get(user.id), added.get(user.id));
			if (tier === null && roles.length === 0) return;
			this.#counts.usersAffected++;
			if (tier) this.#counts[compareTiers(tier.after, tier.before) > 0 ? "tierRaised" : "tierLowered"]++;
			if (this.#pending.length < this.#sample) this.#pending.push({ id: user.id, tier, roles });
		});
	};

	#roleMoves(before: Map<string, string> | undefined, after: Map<string, string> | undefined) {
		const moves: PendingUser["roles"] = [];
		for (const projectId of new Set([...(before?.keys() ?? []), ...(after?.keys() ?? [])])) {
			const was = before?.get(projectId) ?? null;
			const now = after?.get(projectId) ?? null;
			if (was === now) continue;
			this.#counts[was === null ? "rolesGained" : now === null ? "rolesLost" : "rolesChanged"]++;
			moves.push({ projectId, before: was, after: now });
		}
		return moves;
	}

	/** The impact, with the sample's names and project slugs read in the recompute's own transaction. */
	async finish(
		tx: Transaction,
		totals: { usersExamined: number; usersChanged: number },
	): Promise<AccessImpact> {
		const ids = this.#pending.map((user) => user.id);
		const projectIds = [...new Set(this.#pending.flatMap((user) => user.roles.map((r) => r.projectId)))];
		const names = new Map(
			(ids.length === 0
				? []
				: await rows<{ id: string; user_name: string; display_name: string | null }>(
						tx,
						sql`select id, user_name, display_name from users where id in (select unnest(${uuidArray(ids)}))`,
					)
			).map((row) => [row.id, row]),
		);
		const slugs = new Map(
			(projectIds.length === 0
				? []
				: await rows<{ id: string; slug: string }>(
						tx,
						sql`select id, slug from projects where id in (select unnest(${uuidArray(projectIds)}))`,
					)
			).map((row) => [row.id, row.slug]),
		);
		return {
			...totals,
			...this.#counts,
			users: this.#pending.map((user) => ({
				id: user.id,
				userName: names.get(user.id)?.user_name ?? user.id,
				displayName: names.get(user.id)?.display_name ?? null,
				tier: user.tier,
				projectRoles: user.roles
					.map((move) => ({
						project: slugs.get(move.projectId) ?? move.projectId,
						before: move.before,
						after: move.after,
					}))
					.sort((a, b) => a.project.localeCompare(b.project)),
			})),
		};
	}
}
