import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/env.ts";
import { TEST_SECRET } from "./helpers.ts";

const scratch = () => mkdtempSync(join(tmpdir(), "roster-env-"));

describe("parseConfig", () => {
	it("applies the documented defaults, with relative PGlite paths made absolute", () => {
		const base = scratch();
		const config = parseConfig({ ROSTER_SECRET: TEST_SECRET }, base);
		expect(config).toMatchObject({
			port: 8787,
			host: "127.0.0.1",
			databaseUrl: `pglite://${join(base, ".roster", "data")}`,
			scimEnabled: true,
			logLevel: "info",
			secret: TEST_SECRET,
			secretSource: "environment",
		});
	});

	it("reads every variable", () => {
		const config = parseConfig(
			{
				PORT: "9000",
				HOST: "0.0.0.0",
				DATABASE_URL: "postgres://roster@db/roster",
				ROSTER_SECRET: TEST_SECRET,
				SCIM_SERVER_ENABLED: "false",
				LOG_LEVEL: "warn",
				NODE_ENV: "production",
				REDIS_URL: "redis://cache:6379",
			},
			scratch(),
		);
		expect(config).toMatchObject({
			port: 9000,
			host: "0.0.0.0",
			databaseUrl: "postgres://roster@db/roster",
			scimEnabled: false,
			logLevel: "warn",
			nodeEnv: "production",
			redisUrl: "redis://cache:6379",
		});
	});

	it.each([
		[{ PORT: "eighty" }, /PORT/],
		[{ PORT: "70000" }, /PORT/],
		[{ ROSTER_SECRET: "too-short" }, /ROSTER_SECRET must be at least 32 bytes/],
		[{ SCIM_SERVER_ENABLED: "no" }, /SCIM_SERVER_ENABLED/],
		[{ LOG_LEVEL: "loud" }, /LOG_LEVEL/],
		[{ NODE_ENV: "production" }, /ROSTER_SECRET is required when NODE_ENV=production/],
	])("rejects %o with one line", (raw, message) => {
		const run = () => parseConfig({ DATABASE_URL: "memory://", ...raw }, scratch());
		expect(run).toThrow(ConfigError);
		expect(run).toThrow(message);
		try {
			run();
		} catch (error) {
			expect((error as Error).message).not.toContain("\n");
		}
	});

	it("generates a development secret once, next to the PGlite data directory", () => {
		const base = scratch();
		const raw = { DATABASE_URL: `pglite://${join(base, "store", "data")}` };
		const first = parseConfig(raw, base);
		const secretFile = join(base, "store", "secret");
		expect(first.secretSource).toBe("generated");
		expect(first.secretFile).toBe(secretFile);
		expect(Buffer.byteLength(first.secret)).toBeGreaterThanOrEqual(32);
		expect(readFileSync(secretFile, "utf8").trim()).toBe(first.secret);
		expect(statSync(secretFile).mode & 0o077).toBe(0);
		const second = parseConfig(raw, base);
		expect(second.secret).toBe(first.secret);
		expect(second.secretSource).toBe("file");
	});

	it("stores the development secret under ./.roster for other databases", () => {
		const base = scratch();
		const config = parseConfig({ DATABASE_URL: "memory://" }, base);
		expect(config.secretFile).toBe(join(base, ".roster", "secret"));
		expect(existsSync(join(base, ".roster", "secret"))).toBe(true);
	});

	it("refuses a truncated stored secret", () => {
		const base = scratch();
		writeFileSync(join(base, "secret"), "short\n");
		expect(() => parseConfig({ DATABASE_URL: `pglite://${join(base, "data")}` }, base)).toThrow(
			/shorter than 32 bytes/,
		);
	});
});
