import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appKeyCache, revokeAppKeys } from "../../src/connections/app-keys.ts";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import { hashSecret } from "../../src/security/tokens.ts";
import { until } from "../credential-notifications.ts";
import { runCli, TEST_SECRET } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { apiClient, issueAppKey, provisionUser } from "./fixtures.ts";

const database = process.env.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";

let h: ScimHarness;
let userId: string;
beforeAll(async () => {
	h = await createScimHarness();
	userId = await provisionUser(h.scim, "app-key-cache-subject");
	await until(() => appKeyCache(h.db).active);
});
afterAll(async () => {
	await h?.close();
});

function isCached(key: string): boolean {
	return appKeyCache(h.db).has(hashSecret(key, TEST_SECRET));
}

describe(`the application-key cache (${database})`, () => {
	it("serves a used key from memory and drops it when the key is revoked in this process", async () => {
		const key = await issueAppKey(h, "default", "cached-app");
		// The first use writes last_used_at, which notifies and drops the entry; the second is cached.
		for (let i = 0; i < 2; i++) {
			expect((await apiClient(h, key)("GET", `/users/${userId}/access`)).status).toBe(200);
		}
		expect(isCached(key)).toBe(true);
		const organization = await requireOrganization(h.db.db, "default");
		await revokeAppKeys(h.db.db, { organization, name: "cached-app", actor: "test" });
		expect(isCached(key)).toBe(false);
		expect((await apiClient(h, key)("GET", `/users/${userId}/access`)).status).toBe(401);
	});

	it("`app-key revoke` in a CLI process fails the very next request here", async () => {
		if (!process.env.TEST_DATABASE_URL) return;
		const key = await issueAppKey(h, "default", "cli-app");
		// The first use writes last_used_at, which notifies and drops the entry; the second is cached.
		for (let i = 0; i < 2; i++) {
			expect((await apiClient(h, key)("GET", `/users/${userId}/access`)).status).toBe(200);
		}
		expect(isCached(key)).toBe(true);
		const revoked = await runCli(["app-key", "revoke", "--org", "default", "--name", "cli-app"], {
			DATABASE_URL: h.db.url,
		});
		expect(revoked.code, revoked.stderr).toBe(0);
		expect((await apiClient(h, key)("GET", `/users/${userId}/access`)).status).toBe(401);
	});
});
