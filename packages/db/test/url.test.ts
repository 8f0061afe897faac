import { describe, expect, it } from "vitest";
import { DatabaseError } from "../src/errors.ts";
import { parseDatabaseUrl, redactUrl } from "../src/url.ts";

describe("parseDatabaseUrl", () => {
	it.each([
		["postgres://u:p@db:5432/roster", { kind: "postgres", url: "postgres://u:p@db:5432/roster" }],
		["postgresql://db/roster", { kind: "postgres", url: "postgresql://db/roster" }],
		["pglite:///var/lib/roster", { kind: "pglite", dataDir: "/var/lib/roster" }],
		["pglite://./.roster/data", { kind: "pglite", dataDir: "/srv/app/.roster/data" }],
		["pglite://data", { kind: "pglite", dataDir: "/srv/app/data" }],
		["pglite://../shared/db", { kind: "pglite", dataDir: "/srv/shared/db" }],
		["memory://", { kind: "pglite", dataDir: null }],
	])("%s", (url, expected) => {
		expect(parseDatabaseUrl(url, "/srv/app")).toEqual(expected);
	});

	it.each([
		["localhost:5432/roster", /Malformed database URL .*expected postgres:\/\//],
		["", /Malformed database URL/],
		["mysql://db/roster", /Unsupported database URL scheme "mysql:\/\/"/],
		["postgres://u:p@:5432/x", /Malformed database URL "postgres:\/\/u:\*\*\*@:5432\/x": not a valid/],
		["postgres://u:secret@db:port/x", /Malformed database URL "postgres:\/\/u:\*\*\*@db:port\/x"/],
		["pglite://", /pglite:\/\/ needs a data directory path/],
		["memory://somewhere", /memory:\/\/ takes no path/],
	])("rejects %j with a one-line DatabaseError", (url, message) => {
		let thrown: unknown;
		try {
			parseDatabaseUrl(url, "/srv/app");
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeInstanceOf(DatabaseError);
		expect((thrown as Error).message).toMatch(message);
		expect((thrown as Error).message).not.toContain("\n");
		expect((thrown as Error).message).not.toContain("secret");
	});
});

describe("redactUrl", () => {
	it.each([
		["postgres://roster:s3cr%40t@db:5432/roster", "postgres://roster:***@db:5432/roster"],
		["postgres://roster@db/roster", "postgres://roster@db/roster"],
		["pglite:///var/lib/roster", "pglite:///var/lib/roster"],
	])("%s", (url, expected) => {
		expect(redactUrl(url)).toBe(expected);
	});
});
