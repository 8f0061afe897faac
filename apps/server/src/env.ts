import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { z } from "zod";

const MIN_SECRET_BYTES = 32;
const DEFAULT_DATABASE_URL = "pglite://./.roster/data";

/** Raised for any invalid setting; boot and the CLI print its message as their single error line. */
export class ConfigError extends Error {
	override name = "ConfigError";
}

const envSchema = z.object({
	PORT: z.coerce.number().int().min(0).max(65535).default(8787),
	HOST: z.string().default("127.0.0.1"),
	DATABASE_URL: z.string().default(DEFAULT_DATABASE_URL),
	ROSTER_SECRET: z
		.string()
		.refine((value) => Buffer.byteLength(value) >= MIN_SECRET_BYTES, {
			message: `must be at least ${MIN_SECRET_BYTES} bytes`,
		})
		.optional(),
	SCIM_SERVER_ENABLED: z.enum(["true", "false"]).default("true"),
	LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
	NODE_ENV: z.string().default("development"),
	REDIS_URL: z.url().optional(),
	TRUSTED_PROXIES: z.string().optional(),
	PUBLIC_URL: z.string().optional(),
	AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
	LOG_PRUNE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
	JOB_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
	JOB_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
	RECOMPUTE_JOB_ABOVE: z.coerce.number().int().min(1).default(20_000),
	METRICS_TOKEN: z
		.string()
		.regex(/^[A-Za-z0-9._~+/=-]{32,512}$/, {
			message: "must be 32 to 512 characters of A-Z, a-z, 0-9 and ._~+/=- (e.g. openssl rand -hex 32)",
		})
		.optional(),
	METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
	METRICS_HOST: z.string().default("127.0.0.1"),
	WEBHOOK_DELIVERY_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(200),
	WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
	WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(5_000),
	WEBHOOK_ALLOW_PRIVATE_NETWORKS: z.enum(["true", "false"]).default("false"),
});

type EnvName = keyof z.input<typeof envSchema>;

/** Where the secret came from, so boot can warn when a generated development secret is in use. */
export type SecretSource = "environment" | "generated" | "file";

/** A reverse proxy (one address, or a range in CIDR notation) whose `X-Forwarded-For` Roster believes. */
export interface TrustedProxy {
	address: string;
	prefix: number;
	family: "ipv4" | "ipv6";
}

/** The validated settings of one Roster process. */
export interface Config {
	port: number;
	host: string;
	databaseUrl: string;
	secret: string;
	secretSource: SecretSource;
	secretFile: string | undefined;
	scimEnabled: boolean;
	logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
	nodeEnv: string;
	redisUrl: string | undefined;
	/** Proxies whose `X-Forwarded-For` names the client; empty: the TCP peer is the client. */
	trustedProxies: TrustedProxy[];
	/**
	 * `PUBLIC_URL`: the origin people and IdPs reach Roster at (`https://roster.example.com`), used for the
	 * single sign-on redirect URI; unset, each request's own origin (through `TRUSTED_PROXIES`) is used.
	 */
	publicUrl: string | undefined;
	/** How often the audit sealer links new events into the hash chain; 0 turns it off. */
	auditSealIntervalMs: number;
	/** How often provisioning-log rows past their organization's retention are deleted; 0 turns it off. */
	logPruneIntervalMs: number;
	/** How often this process looks for due background jobs; 0 runs no job worker here. */
	jobPollIntervalMs: number;
	/** How long a worker's claim on a job holds without a renewal: a killed worker's job resumes after it. */
	jobLeaseMs: number;
	/** Above this many affected users, a console mapping change recomputes in a background job. */
	recomputeJobThreshold: number;
	/** `METRICS_TOKEN`: the bearer token `GET /metrics` on the main port requires; unset, that route is 404. */
	metricsToken: string | undefined;
	/** `METRICS_PORT`: a second listener serving `/metrics` without authentication; unset, none. */
	metricsPort: number | undefined;
	/** `METRICS_HOST`: the metrics listener's bind address (`127.0.0.1`; `0.0.0.0` for in-cluster scrapers). */
	metricsHost: string;
	/** How often this process looks for webhook deliveries that are due; 0 turns delivery off here. */
	webhookDeliveryIntervalMs: number;
	/** How long one webhook request may take before it counts as failed. */
	webhookTimeoutMs: number;
	/** The first retry's delay; each further failure doubles it, up to an hour. */
	webhookRetryBaseMs: number;
	/**
	 * `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true` lets endpoints use `http://` and loopback, private and
	 * link-local addresses (development, tests, a receiver on the same network); off, only public `https://`.
	 */
	webhookAllowPrivateNetworks: boolean;
}

/**
 * Reads and validates `process.env` (the only place that does), with `overrides` winning — the CLI
 * passes `--database-url` this way. Throws `ConfigError` with a one-line message on bad input.
 */
export function loadConfig(overrides: Partial<Record<EnvName, string>> = {}): Config {
	const baseDir = process.env.INIT_CWD ?? process.cwd();
	return parseConfig({ ...process.env, ...overrides }, baseDir);
}

/**
 * Validates a raw environment. Relative `pglite://` paths resolve against `baseDir` (the directory
 * the operator ran `pnpm` from), so the server and the CLI open the same data directory.
 */
export function parseConfig(raw: Record<string, string | undefined>, baseDir: string): Config {
	const present = Object.fromEntries(
		Object.entries(raw).filter(([, value]) => value !== undefined && value !== ""),
	);
	const result = envSchema.safeParse(present);
	if (!result.success) {
		const issue = result.error.issues[0];
		const name = issue?.path.join(".") ?? "environment";
		throw new ConfigError(`Invalid configuration: ${name} ${issue?.message ?? "is invalid"}`);
	}
	const env = result.data;
	const databaseUrl = absoluteDatabaseUrl(env.DATABASE_URL, baseDir);
	const secret = resolveSecret(env.ROSTER_SECRET, env.NODE_ENV, databaseUrl, baseDir);
	return {
		port: env.PORT,
		host: env.HOST,
		databaseUrl,
		...secret,
		scimEnabled: env.SCIM_SERVER_ENABLED === "true",
		logLevel: env.LOG_LEVEL,
		nodeEnv: env.NODE_ENV,
		redisUrl: env.REDIS_URL,
		trustedProxies: parseTrustedProxies(env.TRUSTED_PROXIES ?? ""),
		publicUrl: parsePublicUrl(env.PUBLIC_URL),
		auditSealIntervalMs: env.AUDIT_SEAL_INTERVAL_MS,
		logPruneIntervalMs: env.LOG_PRUNE_INTERVAL_MS,
		jobPollIntervalMs: env.JOB_POLL_INTERVAL_MS,
		jobLeaseMs: env.JOB_LEASE_MS,
		recomputeJobThreshold: env.RECOMPUTE_JOB_ABOVE,
		metricsToken: env.METRICS_TOKEN,
		metricsPort: env.METRICS_PORT,
		metricsHost: env.METRICS_HOST,
		webhookDeliveryIntervalMs: env.WEBHOOK_DELIVERY_INTERVAL_MS,
		webhookTimeoutMs: env.WEBHOOK_TIMEOUT_MS,
		webhookRetryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
		webhookAllowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS === "true",
	};
}

/** `10.0.0.0/8, 192.168.1.7, fd00::/8`: comma-separated addresses and CIDR ranges. */
function parseTrustedProxies(value: string): TrustedProxy[] {
	return value
		.split(",")
		.map((entry) => entry.trim())
		.filter((entry) => entry !== "")
		.map((entry) => {
			const [address = "", prefixText, ...rest] = entry.split("/");
			const version = isIP(address);
			const bits = version === 4 ? 32 : 128;
			const prefix = prefixText === undefined ? bits : Number(prefixText);
			if (version === 0 || rest.length > 0 || !/^\d+$/.test(prefixText ?? "0") || prefix > bits) {
				throw new ConfigError(
					`Invalid configuration: TRUSTED_PROXIES entry "${entry}" is not an IP address or CIDR range`,
				);
			}
			return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
		});
}

/** `PUBLIC_URL` as a bare origin; a path, query or non-http(s) scheme is a configuration error. */
function parsePublicUrl(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	const refusal = new ConfigError(
		`Invalid configuration: PUBLIC_URL "${value.slice(0, 200)}" must be an http(s) origin such as https://roster.example.com, without a path`,
	);
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw refusal;
	}
	const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password;
	if (!(url.protocol === "https:" || url.protocol === "http:") || !bare) throw refusal;
	return url.origin;
}

function absoluteDatabaseUrl(url: string, baseDir: string): string {
	const dir = pgliteDirectory(url);
	if (dir === undefined || isAbsolute(dir)) return url;
	return `pglite://${resolve(baseDir, dir)}`;
}

function pgliteDirectory(url: string): string | undefined {
	return url.startsWith("pglite://") ? url.slice("pglite://".length) : undefined;
}

function resolveSecret(
	fromEnv: string | undefined,
	nodeEnv: string,
	databaseUrl: string,
	baseDir: string,
): Pick<Config, "secret" | "secretSource" | "secretFile"> {
	if (fromEnv !== undefined) return { secret: fromEnv, secretSource: "environment", secretFile: undefined };
	if (nodeEnv === "production") {
		throw new ConfigError("Invalid configuration: ROSTER_SECRET is required when NODE_ENV=production");
	}
	const dataDir = pgliteDirectory(databaseUrl);
	const secretFile = dataDir ? join(dirname(dataDir), "secret") : resolve(baseDir, ".roster", "secret");
	const stored = readSecretFile(secretFile);
	if (stored !== undefined) return { secret: stored, secretSource: "file", secretFile };
	const generated = randomBytes(MIN_SECRET_BYTES).toString("base64url");
	try {
		mkdirSync(dirname(secretFile), { recursive: true });
		writeFileSync(secretFile, `${generated}\n`, { mode: 0o600, flag: "wx" });
	} catch (error) {
		const raced = readSecretFile(secretFile);
		if (raced !== undefined) return { secret: raced, secretSource: "file", secretFile };
		throw new ConfigError(`Cannot store a development secret in ${secretFile}: ${(error as Error).message}`);
	}
	return { secret: generated, secretSource: "generated", secretFile };
}

function readSecretFile(path: string): string | undefined {
	let content: string;
	try {
		content = readFileSync(path, "utf8").trim();
	} catch {
		return undefined;
	}
	if (Buffer.byteLength(content) < MIN_SECRET_BYTES) {
		throw new ConfigError(`The development secret in ${path} is shorter than ${MIN_SECRET_BYTES} bytes`);
	}
	return content;
}
