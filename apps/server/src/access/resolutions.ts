import { type AccessDecision, type AccessGroup, resolveAccess } from "@roster/domain";
import type { AccessStatics } from "./statics.ts";

/** One user's resolution input as loaded from the database. */
export interface UserAccessInput {
	id: string;
	active: boolean;
	roles: unknown;
	entitlements: unknown;
	groups: readonly AccessGroup[];
}

/**
 * Resolves users against one organization's statics, once per distinct input: users with the same
 * active flag, role values and groups share one decision (a big group's members mostly do). An inactive
 * user resolves with its real inputs too, so its explanation shows what would apply on reactivation.
 * `decisions[i]` is decision `i`.
 */
export class Resolutions {
	readonly decisions: AccessDecision[] = [];
	readonly #bySignature = new Map<string, number>();
	readonly #statics: AccessStatics;

	constructor(statics: AccessStatics) {
		this.#statics = statics;
	}

	/** The index in `decisions` of this user's decision. */
	indexFor(user: UserAccessInput): number {
		const signature = JSON.stringify([
			user.active,
			user.roles ?? null,
			user.entitlements ?? null,
			user.groups.map((group) => group.id).sort(),
		]);
		let index = this.#bySignature.get(signature);
		if (index === undefined) {
			index = this.decisions.length;
			this.decisions.push(this.#resolve(user));
			this.#bySignature.set(signature, index);
		}
		return index;
	}

	decide(user: UserAccessInput): AccessDecision {
		return this.decisions[this.indexFor(user)] as AccessDecision;
	}

	#resolve(user: UserAccessInput): AccessDecision {
		const { organization, mappings, projects } = this.#statics;
		return resolveAccess({
			organization,
			user: { active: user.active, roles: user.roles, entitlements: user.entitlements },
			groups: [...user.groups],
			mappings: [...mappings],
			projects: [...projects],
		});
	}
}

/** Project slugs any decision wants created. */
export function projectsToCreate(decisions: readonly AccessDecision[]): string[] {
	return [...new Set(decisions.flatMap((decision) => decision.projectsToCreate))].sort();
}
