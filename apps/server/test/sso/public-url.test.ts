import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/env.ts";
import { TEST_SECRET } from "../helpers.ts";

const parse = (PUBLIC_URL?: string) => parseConfig({ ROSTER_SECRET: TEST_SECRET, PUBLIC_URL }, "/tmp");

describe("PUBLIC_URL", () => {
	it("is unset by default: each request's own origin is used", () => {
		expect(parse().publicUrl).toBeUndefined();
	});

	it.each([
		["https://roster.example.com", "https://roster.example.com"],
		["https://Roster.Example.com/", "https://roster.example.com"],
		["http://127.0.0.1:8787", "http://127.0.0.1:8787"],
	])("keeps %s as the origin %s", (value, origin) => {
		expect(parse(value).publicUrl).toBe(origin);
	});

	it.each([
		"roster.example.com",
		"https://roster.example.com/console",
		"https://roster.example.com/?x=1",
		"ftp://roster",
	])("refuses %s with one line naming the variable", (value) => {
		expect(() => parse(value)).toThrow(ConfigError);
		expect(() => parse(value)).toThrow(/PUBLIC_URL .* must be an http\(s\) origin/);
	});
});
