import { updateRoleMapping } from "../src/access/mappings.ts";
import { requireOrganization } from "../src/organizations/organizations.ts";
import { mapGroupToTier, withServices } from "./access-setup.ts";
import type { BenchContext } from "./context.ts";
import { seedMembers } from "./database.ts";
import { resourceId } from "./http.ts";
import { entraGroup } from "./scim-bodies.ts";
import type { ResultRow } from "./table.ts";

function row(name: string, seconds: number, changed: number, members: number): ResultRow {
	return {
		workload: name,
		clients: 1,
		ops: 1,
		verdict: `${seconds.toFixed(2)} s for ${changed.toLocaleString("en-US")} of ${members.toLocaleString("en-US")} users changed`,
	};
}

/**
 * Time to recompute access for a big group (`BENCH_USERS` members, 100,000 by default) after a mapping
 * change, measured around the whole audited transaction: first a new mapping (everyone NONE → ADMIN),
 * then an update of it (ADMIN → PROJECTADMIN). Every member must come out changed.
 */
export async function recomputeWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const size = ctx.options.lookupUsers;
	const name = `recompute a ${size.toLocaleString("en-US")}-member group after a mapping change`;
	if (!ctx.hasGroups) return [{ workload: name, verdict: "n/a (no /Groups)" }];
	await ctx.ensureSeeded(size);
	const groupName = `bench-recompute-${Date.now()}`;
	const groupId = resourceId(await ctx.http.expect(201, "POST", "/Groups", entraGroup(groupName)));
	await seedMembers(ctx.db, groupId, 0, size);
	return withServices(ctx.db, async (handle) => {
		const created = await mapGroupToTier(handle, groupName, "ADMIN");
		const organization = await requireOrganization(handle.db, "default");
		const started = performance.now();
		const updated = await updateRoleMapping(handle.db, {
			organization,
			id: created.result.mapping.id,
			change: { tier: "PROJECTADMIN" },
			actor: { type: "system", name: "bench" },
		});
		const updateSeconds = (performance.now() - started) / 1000;
		for (const result of [created.result, updated]) {
			if (result.usersChanged !== size) {
				throw new Error(`a mapping change on ${size} members changed ${result.usersChanged} users`);
			}
		}
		return [
			row(`${name}: new mapping (NONE → ADMIN)`, created.seconds, created.result.usersChanged, size),
			row(`${name}: mapping updated (ADMIN → PROJECTADMIN)`, updateSeconds, updated.usersChanged, size),
		];
	});
}
