import { createDatabase, type DatabaseHandle } from "@roster/db";
import { createRoleMapping, type RoleMappingResult } from "../src/access/mappings.ts";
import { requireOrganization } from "../src/organizations/organizations.ts";
import type { BenchDatabase } from "./database.ts";

/**
 * A Drizzle handle on the bench database for the steps no HTTP API offers yet (role mappings are a
 * console feature on the roadmap): they run through the same services the console will call.
 */
export async function withServices<T>(
	db: BenchDatabase,
	work: (handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
	const handle = await createDatabase(db.url, { poolSize: 2 });
	try {
		return await work(handle);
	} finally {
		await handle.close();
	}
}

/** Maps a group (by displayName) to a tier as an operator would, timing the whole audited transaction. */
export async function mapGroupToTier(
	handle: DatabaseHandle,
	groupName: string,
	tier: "USER" | "PROJECTADMIN" | "ADMIN",
): Promise<{ result: RoleMappingResult; seconds: number }> {
	const organization = await requireOrganization(handle.db, "default");
	const started = performance.now();
	const result = await createRoleMapping(handle.db, {
		organization,
		mapping: { matchKind: "group_display_name", matchValue: groupName, targetKind: "tier", tier },
		actor: { type: "system", name: "bench" },
	});
	return { result, seconds: (performance.now() - started) / 1000 };
}
