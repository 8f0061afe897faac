/** The workloads `--only` can pick, in the order they run (RSS is read at the end of `lookup`). */
export const workloadNames = [
	"floor",
	"bare",
	"post",
	"lookup",
	"members",
	"sync",
	"deprovision",
	"recompute",
	"sealing",
	"console-users",
	"console-audit",
	"console-dashboard",
	"idp-cycles",
	"idp-lockout",
	"replicas",
	"webhooks",
] as const;
export type WorkloadName = (typeof workloadNames)[number];

/** What one benchmark run measures and how big it is; every size is overridable for quick runs. */
export interface BenchOptions {
	only: ReadonlySet<WorkloadName>;
	adminDatabaseUrl: string;
	/** Measured seconds per throughput workload, after a short warm-up. */
	seconds: number;
	/** Hard cap on operations per throughput workload, so a run stays bounded however fast it is. */
	maxOps: number;
	clients: number;
	lookupUsers: number;
	bigGroupMembers: number;
	smallGroupMembers: number;
	memberRounds: number;
	syncUsers: number;
	syncGroups: number;
	/** Users and groups of each mock tenant's initial cycle (`idp-cycles`). */
	idpUsers: number;
	idpGroups: number;
	/** Signed-in users deactivated in a tenant (`idp-lockout`). */
	idpLockoutUsers: number;
	/** Directory for the server's V8 CPU profile (`--cpu-prof`), or undefined for none. */
	cpuProfileDir: string | undefined;
	/** PostgreSQL's Unix socket directory, to run the server over a socket instead of TCP (a comparison). */
	serverSocketDir: string | undefined;
	/** Sets `log_statement = all` on the bench database, to count the statements each request issues. */
	logStatements: boolean;
	/** Redis the `replicas` workload's servers share (`REDIS_URL`), as replicas in production do. */
	redisUrl: string;
	/** Extra Node.js flags for the server process (e.g. `--max-semi-space-size=4`), to compare heap settings. */
	serverNodeFlags: string[];
}

const ALIASES: Record<string, WorkloadName> = { rss: "lookup", groups: "members" };

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
	const raw = env[name];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value <= 0)
		throw new Error(`${name} must be a positive integer, got "${raw}"`);
	return value;
}

function parseOnly(argv: readonly string[]): ReadonlySet<WorkloadName> {
	const index = argv.findIndex((arg) => arg === "--only" || arg.startsWith("--only="));
	if (index === -1) return new Set(workloadNames);
	const arg = argv[index] ?? "";
	const list = arg.startsWith("--only=") ? arg.slice("--only=".length) : (argv[index + 1] ?? "");
	const picked = new Set<WorkloadName>();
	for (const name of list.split(",").map((part) => part.trim().toLowerCase())) {
		if (name === "") continue;
		const workload = ALIASES[name] ?? workloadNames.find((known) => known === name);
		if (!workload)
			throw new Error(`Unknown workload "${name}"; choose from ${workloadNames.join(", ")}, rss`);
		picked.add(workload);
	}
	if (picked.size === 0) throw new Error("--only needs a comma-separated list of workloads");
	return picked;
}

/** Reads `--only a,b` from the command line and `BENCH_*` sizes from the environment. */
export function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
	return {
		only: parseOnly(argv),
		adminDatabaseUrl: env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
		seconds: positiveInt(env, "BENCH_SECONDS", 10),
		maxOps: positiveInt(env, "BENCH_MAX_OPS", 500_000),
		clients: positiveInt(env, "BENCH_CLIENTS", 16),
		lookupUsers: positiveInt(env, "BENCH_USERS", 100_000),
		bigGroupMembers: positiveInt(env, "BENCH_BIG_GROUP", 100_000),
		smallGroupMembers: positiveInt(env, "BENCH_SMALL_GROUP", 10),
		memberRounds: positiveInt(env, "BENCH_MEMBER_ROUNDS", 300),
		syncUsers: positiveInt(env, "BENCH_SYNC_USERS", 10_000),
		syncGroups: positiveInt(env, "BENCH_SYNC_GROUPS", 500),
		idpUsers: positiveInt(env, "BENCH_IDP_USERS", 1_000),
		idpGroups: positiveInt(env, "BENCH_IDP_GROUPS", 50),
		idpLockoutUsers: positiveInt(env, "BENCH_IDP_LOCKOUT_USERS", 100),
		cpuProfileDir: env.BENCH_CPU_PROF || undefined,
		serverSocketDir: env.BENCH_SERVER_SOCKET || undefined,
		logStatements: env.BENCH_LOG_STATEMENTS === "1",
		redisUrl: env.BENCH_REDIS_URL || "redis://127.0.0.1:6379",
		serverNodeFlags: (env.BENCH_NODE_FLAGS ?? "").split(" ").filter((flag) => flag !== ""),
	};
}
