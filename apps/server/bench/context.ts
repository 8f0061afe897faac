import type { BenchDatabase } from "./database.ts";
import { seedUsers } from "./database.ts";
import type { ScimHttp } from "./http.ts";
import type { LoadResult } from "./load.ts";
import type { BenchOptions } from "./options.ts";
import type { ServerProcess } from "./server.ts";

/** What every workload shares: the database, the server under test, a client, and earlier results. */
export interface BenchContext {
	options: BenchOptions;
	db: BenchDatabase;
	server: ServerProcess;
	http: ScimHttp;
	/** The server's RSS right after it answered /healthz, before any workload: what load adds is the rest. */
	startupRssMb: number;
	/** Whether the server answers /Groups (another change adds it); group workloads report n/a until then. */
	hasGroups: boolean;
	/** Results later workloads compare with, e.g. the raw floor at 1 and 16 clients, keyed by name. */
	measured: Map<string, LoadResult>;
	/** Seeds users up to `count` (idempotent), so any selection of workloads finds the users it needs. */
	ensureSeeded(count: number): Promise<void>;
}

/** Builds the shared context; seeding is lazy so `--only post` never pays for 100,000 users. */
export function createContext(parts: Omit<BenchContext, "ensureSeeded" | "measured">): BenchContext {
	let seeded = 0;
	return {
		...parts,
		measured: new Map(),
		async ensureSeeded(count) {
			if (count <= seeded) return;
			const started = Date.now();
			await seedUsers(parts.db, seeded, count);
			process.stderr.write(
				`seeded users ${seeded}..${count - 1} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
			);
			seeded = count;
		},
	};
}
