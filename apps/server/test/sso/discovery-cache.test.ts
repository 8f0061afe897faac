import type { Configuration } from "openid-client";
import { describe, expect, it } from "vitest";
import { createDiscoveryCache, type DiscoveryKey } from "../../src/sso/discovery.ts";

const key: DiscoveryKey = { orgId: "org-1", issuer: "https://idp.example", clientId: "roster", version: 1 };

/** A stand-in discovery that counts its calls; the cache never looks inside a configuration. */
function counted(fail = false) {
	let calls = 0;
	const discover = async () => {
		calls++;
		if (fail) throw new Error("unreachable");
		return { calls } as unknown as Configuration;
	};
	return { discover, calls: () => calls };
}

describe("the discovery cache", () => {
	it("reuses one discovery per organization until its time is up", async () => {
		let now = 0;
		const cache = createDiscoveryCache({ ttlMs: 1000, now: () => now });
		const source = counted();
		const [first, second] = await Promise.all([
			cache.configurationFor(key, source.discover),
			cache.configurationFor(key, source.discover),
		]);
		expect(first).toBe(second);
		now = 999;
		await cache.configurationFor(key, source.discover);
		expect(source.calls()).toBe(1);
		now = 1000;
		await cache.configurationFor(key, source.discover);
		expect(source.calls()).toBe(2);
	});

	it.each([
		["a new settings version", { version: 2 }],
		["another issuer", { issuer: "https://other.example" }],
		["another client id", { clientId: "other" }],
	])("discovers afresh for %s", async (_label, change) => {
		const cache = createDiscoveryCache();
		const source = counted();
		await cache.configurationFor(key, source.discover);
		await cache.configurationFor({ ...key, ...change }, source.discover);
		expect(source.calls()).toBe(2);
	});

	it("keeps organizations apart and forgets a failed discovery at once", async () => {
		const cache = createDiscoveryCache();
		const failing = counted(true);
		await expect(cache.configurationFor(key, failing.discover)).rejects.toThrow("unreachable");
		await expect(cache.configurationFor(key, failing.discover)).rejects.toThrow("unreachable");
		expect(failing.calls()).toBe(2);
		const source = counted();
		await cache.configurationFor(key, source.discover);
		await cache.configurationFor({ ...key, orgId: "org-2" }, source.discover);
		expect(source.calls()).toBe(2);
	});
});
