import { isLoopbackHost, safeNextPath } from "@roster/domain/inputs/sso";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("safeNextPath", () => {
	it.each([
		["/", "/"],
		["/users?sort=userName#top", "/users?sort=userName#top"],
		["/a/../b", "/b"],
		["/me", "/me"],
	])("keeps the same-origin path %s", (value, kept) => {
		expect(safeNextPath(value)).toBe(kept);
	});

	it.each([
		"//evil.example",
		"///evil.example",
		"/\\evil.example",
		"/\t/evil.example",
		"/\n/evil.example",
		"https://evil.example/",
		"javascript:alert(1)",
		"users",
		"",
		`/${"a".repeat(2048)}`,
	])("drops %j", (value) => {
		expect(safeNextPath(value)).toBeUndefined();
	});

	it("never names another origin, whatever it is given", () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string(),
					fc.webUrl(),
					fc.string().map((s) => `/${s}`),
				),
				(value) => {
					const kept = safeNextPath(value);
					if (kept === undefined) return;
					expect(kept.startsWith("/")).toBe(true);
					expect(kept.startsWith("//")).toBe(false);
					expect(new URL(kept, "https://roster.example").origin).toBe("https://roster.example");
				},
			),
			{ numRuns: 2000 },
		);
	});
});

describe("isLoopbackHost", () => {
	it.each([
		["localhost", true],
		["127.0.0.1", true],
		["127.10.20.30", true],
		["[::1]", true],
		["login.localhost", false],
		["127.0.0.1.nip.io", false],
		["128.0.0.1", false],
		["localhost.example.com", false],
		["10.0.0.1", false],
		["::ffff:127.0.0.1", false],
	])("%s → %s", (host, loopback) => {
		expect(isLoopbackHost(host)).toBe(loopback);
	});
});
