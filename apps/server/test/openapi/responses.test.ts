import { auditChainKeyring } from "@roster/domain";
import type { OpenAPIObject } from "openapi3-ts/oas31";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealAuditEvents } from "../../src/audit/sealer.ts";
import { apiClient, issueAppKey, provisionUser, signIn } from "../api/fixtures.ts";
import { TEST_SECRET } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { requestChecker, responseChecker } from "./described.ts";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const SEARCH = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";
const UNKNOWN_ID = "6c1f0a52-3f43-4d3a-9d1e-0d8f3a0c2b71";

let h: ScimHarness;
let expectDescribed: ReturnType<typeof responseChecker>;
let expectAcceptedBody: ReturnType<typeof requestChecker>;
beforeAll(async () => {
	h = await createScimHarness();
	const res = await h.app.request("http://roster.test/openapi.json");
	const document = (await res.json()) as OpenAPIObject;
	expectDescribed = responseChecker(document);
	expectAcceptedBody = requestChecker(document);
});
afterAll(async () => {
	await h.close();
});

describe("the checks", () => {
	it("refuse what the description does not allow", () => {
		const headers = new Headers({ "Content-Type": "application/scim+json", ETag: 'W/"1"' });
		const wrongBody = { status: 200, headers, body: { schemas: [USER], userName: 5 } };
		expect(() => expectDescribed("GET", "/Users/{id}", 200, wrongBody)).toThrow(/body matches/);
		const withoutETag = {
			status: 200,
			headers: new Headers({ "Content-Type": "application/scim+json" }),
			body: { schemas: [USER], userName: "a" },
		};
		expect(() => expectDescribed("GET", "/Users/{id}", 200, withoutETag)).toThrow(/header ETag/);
		const undescribed = { status: 418, headers, body: null };
		expect(() => expectDescribed("GET", "/Users/{id}", 418, undescribed)).toThrow(/status described/);
		expect(() => expectAcceptedBody("POST", "/Users", { schemas: [USER] })).toThrow(/matches/);
		expect(() => expectAcceptedBody("POST", "/sessions/validate", {})).toThrow(/matches/);
	});
});

describe("real SCIM requests and responses match the description", () => {
	it("discovery", async () => {
		expectDescribed("GET", "/ServiceProviderConfig", 200, await h.scim("GET", "/ServiceProviderConfig"));
		expectDescribed("GET", "/ResourceTypes", 200, await h.scim("GET", "/ResourceTypes"));
		expectDescribed("GET", "/ResourceTypes/{name}", 200, await h.scim("GET", "/ResourceTypes/User"));
		expectDescribed("GET", "/ResourceTypes/{name}", 404, await h.scim("GET", "/ResourceTypes/Printer"));
		expectDescribed("GET", "/Schemas", 200, await h.scim("GET", "/Schemas"));
		expectDescribed("GET", "/Schemas/{id}", 200, await h.scim("GET", `/Schemas/${GROUP}`));
		expectDescribed("GET", "/Schemas/{id}", 404, await h.scim("GET", "/Schemas/urn:nope"));
	});

	it("a user's life: create, conflict, read, list, search, replace, modify, delete", async () => {
		const ada = {
			schemas: [USER, ENTERPRISE],
			userName: "ada@example.com",
			name: { givenName: "Ada", familyName: "Lovelace" },
			emails: [{ value: "ada@example.com", type: "work", primary: true }],
			active: true,
			[ENTERPRISE]: { department: "Engines", manager: { value: "x-1" } },
		};
		expectAcceptedBody("POST", "/Users", ada);
		const created = await h.scim("POST", "/Users", ada);
		expectDescribed("POST", "/Users", 201, created);
		expectDescribed("POST", "/Users", 409, await h.scim("POST", "/Users", ada));
		const id = String(created.body?.id);
		const user = `/Users/${id}`;
		const read = await h.scim("GET", user);
		expectDescribed("GET", "/Users/{id}", 200, read);
		expectDescribed("GET", "/Users/{id}", 200, await h.scim("GET", `${user}?attributes=emails`));
		const etag = read.headers.get("etag") ?? "";
		expectDescribed(
			"GET",
			"/Users/{id}",
			304,
			await h.scim("GET", user, undefined, { "If-None-Match": etag }),
		);
		expectDescribed("GET", "/Users/{id}", 404, await h.scim("GET", `/Users/${UNKNOWN_ID}`));

		expectDescribed("GET", "/Users", 200, await h.scim("GET", '/Users?filter=userName eq "ada@example.com"'));
		expectDescribed("GET", "/Users", 400, await h.scim("GET", "/Users?filter=userName zz"));
		expectDescribed("GET", "/Users", 200, await h.scim("GET", "/Users?count=1&cursor="));
		const search = { schemas: [SEARCH], count: 5 };
		expectAcceptedBody("POST", "/Users/.search", search);
		expectDescribed("POST", "/Users/.search", 200, await h.scim("POST", "/Users/.search", search));

		const replacement = { ...ada, displayName: "Ada L." };
		expectAcceptedBody("PUT", "/Users/{id}", replacement);
		expectDescribed("PUT", "/Users/{id}", 200, await h.scim("PUT", user, replacement));
		expectDescribed("PUT", "/Users/{id}", 412, await h.scim("PUT", user, ada, { "If-Match": etag }));
		const patch = { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "active", value: "False" }] };
		expectAcceptedBody("PATCH", "/Users/{id}", patch);
		expectDescribed("PATCH", "/Users/{id}", 200, await h.scim("PATCH", user, patch));
		expectDescribed("PATCH", "/Users/{id}", 400, await h.scim("PATCH", user, "{not json"));
		const asText = { "Content-Type": "text/plain" };
		expectDescribed("PATCH", "/Users/{id}", 415, await h.scim("PATCH", user, JSON.stringify(patch), asText));

		expectDescribed("DELETE", "/Users/{id}", 204, await h.scim("DELETE", user));
		expectDescribed("DELETE", "/Users/{id}", 404, await h.scim("DELETE", user));
	});

	it("a group's life, root search and Bulk", async () => {
		const member = await provisionUser(h.scim, "grace@example.com");
		const engineers = { schemas: [GROUP], displayName: "Engineers", members: [{ value: member }] };
		expectAcceptedBody("POST", "/Groups", engineers);
		const created = await h.scim("POST", "/Groups", engineers);
		expectDescribed("POST", "/Groups", 201, created);
		const group = `/Groups/${String(created.body?.id)}`;
		expectDescribed("GET", "/Groups/{id}", 200, await h.scim("GET", group));
		expectDescribed("GET", "/Groups", 200, await h.scim("GET", "/Groups?excludedAttributes=members"));
		const search = { schemas: [SEARCH], filter: 'displayName sw "E"' };
		expectDescribed("POST", "/Groups/.search", 200, await h.scim("POST", "/Groups/.search", search));

		const remove = {
			schemas: [PATCH_OP],
			Operations: [{ op: "remove", path: `members[value eq "${member}"]` }],
		};
		expectAcceptedBody("PATCH", "/Groups/{id}", remove);
		expectDescribed("PATCH", "/Groups/{id}", 204, await h.scim("PATCH", group, remove));
		const rename = {
			schemas: [PATCH_OP],
			Operations: [{ op: "replace", path: "displayName", value: "Eng" }],
		};
		expectDescribed(
			"PATCH",
			"/Groups/{id}",
			200,
			await h.scim("PATCH", `${group}?attributes=displayName`, rename),
		);
		expectDescribed(
			"PUT",
			"/Groups/{id}",
			200,
			await h.scim("PUT", group, { ...engineers, displayName: "Eng" }),
		);

		expectAcceptedBody("POST", "/.search", search);
		expectDescribed("POST", "/.search", 200, await h.scim("POST", "/.search", search));
		expectDescribed("POST", "/.search", 400, await h.scim("POST", "/.search", { ...search, sortBy: "id" }));
		const bulk = {
			schemas: [BULK],
			Operations: [
				{
					method: "POST",
					bulkId: "u1",
					path: "/Users",
					data: { schemas: [USER], userName: "linus@example.com" },
				},
				{ method: "DELETE", path: `/Groups/${UNKNOWN_ID}` },
			],
		};
		expectAcceptedBody("POST", "/Bulk", bulk);
		expectDescribed("POST", "/Bulk", 200, await h.scim("POST", "/Bulk", bulk));
		expectDescribed("POST", "/Bulk", 400, await h.scim("POST", "/Bulk", { Operations: [] }));
		expectDescribed("DELETE", "/Groups/{id}", 204, await h.scim("DELETE", group));
	});

	it("both mounts, and refusals before any route", async () => {
		expectDescribed(
			"GET",
			"/Users",
			200,
			await h.clientFor(h.token, "/organizations/default/scim/v2")("GET", "/Users"),
		);
		const elsewhere = h.clientFor(h.token, "/organizations/elsewhere/scim/v2");
		expectDescribed("GET", "/Users", 404, await elsewhere("GET", "/Users"));
		expectDescribed("GET", "/Groups", 401, await h.clientFor("")("GET", "/Groups"));
		expectDescribed("GET", "/Schemas", 401, await h.clientFor("rst_scim_forged")("GET", "/Schemas"));
	});
});

describe("real /api/v1 requests and responses match the description", () => {
	it("access reads and session validation, answered and refused", async () => {
		const api = apiClient(h, await issueAppKey(h, "default"));
		const userId = await provisionUser(h.scim, "hopper@example.com");
		expectDescribed(
			"GET",
			"/users/access",
			200,
			await api("GET", "/users/access?userName=HOPPER@example.com"),
		);
		expectDescribed("GET", "/users/access", 400, await api("GET", "/users/access"));
		expectDescribed("GET", "/users/access", 404, await api("GET", "/users/access?userName=nobody"));
		expectDescribed("GET", "/users/{id}/access", 200, await api("GET", `/users/${userId}/access`));
		expectDescribed("GET", "/users/{id}/access", 404, await api("GET", "/users/nobody/access"));

		const validate = (body: unknown, headers?: Record<string, string>) =>
			api("POST", "/sessions/validate", body, headers);
		const live = { token: await signIn(h, userId) };
		expectAcceptedBody("POST", "/sessions/validate", live);
		expectDescribed("POST", "/sessions/validate", 200, await validate(live));
		expectDescribed("POST", "/sessions/validate", 200, await validate({ token: "rst_sess_unknown" }));
		expectDescribed("POST", "/sessions/validate", 400, await validate({ token: 1 }));
		expectDescribed(
			"POST",
			"/sessions/validate",
			415,
			await validate("token", { "Content-Type": "text/plain" }),
		);
		expectDescribed("POST", "/sessions/validate", 413, await validate({ token: "x".repeat(17 * 1024) }));

		await sealAuditEvents(h.db.db, auditChainKeyring(TEST_SECRET));
		const feed = await api("GET", "/events?limit=1");
		expect(feed.body?.events).toHaveLength(1);
		expectDescribed("GET", "/events", 200, feed);
		expectDescribed("GET", "/events", 400, await api("GET", "/events?after=nope"));

		const withScimToken = apiClient(h, h.token);
		expectDescribed("GET", "/users/access", 401, await withScimToken("GET", "/users/access?userName=a"));
	});
});
