import { projects, userProjectRoles, users } from "@roster/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { apiClient, issueAppKey, provisionUser } from "./fixtures.ts";

let h: ScimHarness;
let api: ReturnType<typeof apiClient>;
let otherApi: ReturnType<typeof apiClient>;
let otherUserId: string;
beforeAll(async () => {
	h = await createScimHarness();
	api = apiClient(h, await issueAppKey(h, "default"));
	otherApi = apiClient(h, await issueAppKey(h, "globex"));
	otherUserId = await provisionUser(h.clientFor(await h.issueToken("globex", "okta")), "shared-name");
});
afterAll(async () => {
	await h.close();
});

const EXPLANATION = { tier: { rule: "mapping:eng-admins", lost: ["fallback:NONE"] } };

/** Stores a decision as role resolution would, so the read path is tested on its own. */
async function storeDecision(userId: string) {
	const [{ orgId } = { orgId: "" }] = await h.db.db
		.select({ orgId: users.orgId })
		.from(users)
		.where(eq(users.id, userId));
	const computedAt = new Date("2026-11-28T09:00:00.000Z");
	await h.db.db
		.update(users)
		.set({
			accessTier: "PROJECTADMIN",
			accessTierSource: "mapping:eng-admins",
			accessExplanation: EXPLANATION,
			accessComputedAt: computedAt,
		})
		.where(eq(users.id, userId));
	const created = await h.db.db
		.insert(projects)
		.values([
			{ orgId, slug: `zeta-${userId.slice(0, 8)}`, name: "Zeta" },
			{ orgId, slug: `alpha-${userId.slice(0, 8)}`, name: "Alpha" },
		])
		.returning();
	await h.db.db.insert(userProjectRoles).values(
		created.map((project, index) => ({
			userId,
			projectId: project.id,
			orgId,
			role: index === 0 ? "read" : "admin",
			source: index === 0 ? "urn:roster:role:project:*:read" : "mapping:eng-admins",
		})),
	);
	return { computedAt, projects: created };
}

describe("GET /api/v1/users/{id}/access and /users/access?userName=", () => {
	it("returns the stored decision: tier, its source, project roles by slug, explanation, computedAt", async () => {
		const id = await provisionUser(h.scim, "Grace.Hopper");
		const stored = await storeDecision(id);
		const [zeta, alpha] = stored.projects;
		const expected = {
			id,
			userName: "Grace.Hopper",
			active: true,
			tier: "PROJECTADMIN",
			tierSource: "mapping:eng-admins",
			projectRoles: [
				{ projectId: alpha?.id, projectSlug: alpha?.slug, role: "admin", source: "mapping:eng-admins" },
				{
					projectId: zeta?.id,
					projectSlug: zeta?.slug,
					role: "read",
					source: "urn:roster:role:project:*:read",
				},
			],
			explanation: EXPLANATION,
			computedAt: stored.computedAt.toISOString(),
		};
		const byId = await api("GET", `/users/${id}/access`);
		expect(byId.status).toBe(200);
		expect(byId.headers.get("content-type")).toMatch(/^application\/json/);
		expect(byId.body).toEqual(expected);
		const byName = await api("GET", `/users/access?userName=${encodeURIComponent("grace.HOPPER")}`);
		expect(byName.status).toBe(200);
		expect(byName.body).toEqual(expected);
	});

	it("returns a user whose access was never computed with tier NONE, no roles and null explanation", async () => {
		const id = await provisionUser(h.scim, "fresh-user");
		await h.db.db
			.update(users)
			.set({ accessTier: "NONE", accessTierSource: null, accessExplanation: null, accessComputedAt: null })
			.where(eq(users.id, id));
		const res = await api("GET", `/users/${id}/access`);
		expect(res.body).toEqual({
			id,
			userName: "fresh-user",
			active: true,
			tier: "NONE",
			tierSource: null,
			projectRoles: [],
			explanation: null,
			computedAt: null,
		});
	});

	it("reports an inactive user as inactive", async () => {
		const id = await provisionUser(h.scim, "leaver");
		await h.scim("PATCH", `/Users/${id}`, {
			schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
			Operations: [{ op: "replace", value: { active: false } }],
		});
		const res = await api("GET", `/users/${id}/access`);
		expect(res.status).toBe(200);
		expect(res.body?.active).toBe(false);
		expect(res.body?.tier).toBe("NONE");
	});

	it("hides other organizations' users: 404 by id and by userName, while their own key sees them", async () => {
		const mine = await provisionUser(h.scim, "shared-name");
		expect((await api("GET", `/users/${otherUserId}/access`)).status).toBe(404);
		const byName = await api("GET", "/users/access?userName=shared-name");
		expect(byName.body?.id).toBe(mine);
		const theirs = await otherApi("GET", "/users/access?userName=shared-name");
		expect(theirs.body?.id).toBe(otherUserId);
		const notFound = await otherApi("GET", `/users/${mine}/access`);
		expect(notFound.status).toBe(404);
		expect(notFound.body).toMatchObject({ error: "not_found" });
	});

	it("answers 404 for a deleted user", async () => {
		const id = await provisionUser(h.scim, "deleted-user");
		expect((await h.scim("DELETE", `/Users/${id}`)).status).toBe(204);
		expect((await api("GET", `/users/${id}/access`)).status).toBe(404);
		expect((await api("GET", "/users/access?userName=deleted-user")).status).toBe(404);
	});

	it.each([
		["a malformed id", 404, "not_found", "/users/not-a-uuid/access"],
		["an unknown id", 404, "not_found", "/users/00000000-0000-4000-8000-000000000000/access"],
		["a 5000-digit id", 404, "not_found", `/users/${"9".repeat(5000)}/access`],
		["no userName", 400, "invalid_request", "/users/access"],
		["an empty userName", 400, "invalid_request", "/users/access?userName="],
		["a 2000-character userName", 400, "invalid_request", `/users/access?userName=${"x".repeat(2000)}`],
		["a userName with NUL and quotes", 404, "not_found", "/users/access?userName=%00%27%3B--"],
		["a userName that is not UTF-8", 404, "not_found", "/users/access?userName=%F0%ED%A0%80"],
		["an unknown userName", 404, "not_found", "/users/access?userName=nobody"],
	])("answers %s with %i %s, never a 500", async (_label, status, error, path) => {
		const res = await api("GET", path);
		expect(res.status).toBe(status);
		expect(res.body).toMatchObject({ error });
		expect(typeof res.body?.detail).toBe("string");
	});
});
