import { compileErrors, validate } from "@readme/openapi-parser";
import type { OpenAPIObject } from "openapi3-ts/oas31";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createLogger } from "../../src/logger.ts";
import { testConfig } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { describedRoutes, disagreements, servedRoutes } from "./described.ts";

let h: ScimHarness;
let withoutScim: ReturnType<typeof createApp>;
beforeAll(async () => {
	h = await createScimHarness();
	withoutScim = createApp({
		db: h.db,
		config: testConfig({ scimEnabled: false }),
		logger: createLogger({ level: "silent" }),
		scim: h.runtime,
	});
});
afterAll(async () => {
	await h.close();
});

async function fetchDocument(app: ReturnType<typeof createApp>): Promise<OpenAPIObject> {
	const res = await app.request("http://roster.test/openapi.json");
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toContain("application/json");
	return (await res.json()) as OpenAPIObject;
}

describe("the OpenAPI description", () => {
	it("is public: served without credentials", async () => {
		const document = await fetchDocument(h.app);
		expect(document.openapi).toMatch(/^3\.1\./);
	});

	it("describes exactly the routes of /scim/v2, /organizations/{slug}/scim/v2 and /api/v1", async () => {
		const document = await fetchDocument(h.app);
		const described = describedRoutes(document);
		expect(described).toContain("PATCH /organizations/:slug/scim/v2/Groups/:id");
		expect(described).toContain("POST /api/v1/sessions/validate");
		expect(disagreements(described, servedRoutes(h.app))).toEqual({
			servedButNotDescribed: [],
			describedButNotServed: [],
		});
	});

	it("leaves SCIM out when SCIM_SERVER_ENABLED=false, as the routes do", async () => {
		const document = await fetchDocument(withoutScim);
		const described = describedRoutes(document);
		expect(described.some((route) => route.includes("/scim/v2"))).toBe(false);
		expect(described).toContain("GET /api/v1/users/:id/access");
		expect(disagreements(described, servedRoutes(withoutScim))).toEqual({
			servedButNotDescribed: [],
			describedButNotServed: [],
		});
	});

	it("reports a route missing from either side", async () => {
		const document = await fetchDocument(h.app);
		const { "/Bulk": _bulk, ...paths } = document.paths ?? {};
		const served = servedRoutes(h.app);
		expect(disagreements(describedRoutes({ ...document, paths }), served).servedButNotDescribed).toEqual([
			"POST /organizations/:slug/scim/v2/Bulk",
			"POST /scim/v2/Bulk",
		]);
		const renamed = {
			...document,
			paths: { ...document.paths, "/Users/{userId}": document.paths?.["/Users/{id}"] ?? {} },
		};
		expect(disagreements(describedRoutes(renamed), served).describedButNotServed).toContain(
			"GET /scim/v2/Users/:userId",
		);
	});

	it.each([
		["with SCIM", () => h.app],
		["without SCIM", () => withoutScim],
	])("is a valid OpenAPI 3.1 document %s", async (_label, app) => {
		// As served, untyped: checking its shape is the validator's job.
		const served = (await fetchDocument(app())) as unknown as Parameters<typeof validate>[0];
		const result = await validate(served);
		expect(result.valid ? "" : compileErrors(result)).toBe("");
		expect(result.warnings).toEqual([]);
	});

	it("gives every operation a summary, an id, its security and at least one error response", async () => {
		const document = await fetchDocument(h.app);
		for (const [path, item] of Object.entries(document.paths ?? {})) {
			for (const [method, operation] of Object.entries(item)) {
				if (method === "servers" || method === "parameters") continue;
				const described = operation as {
					summary?: string;
					operationId?: string;
					security?: unknown[];
					responses: object;
				};
				expect(described.summary, `${method} ${path}`).toBeTruthy();
				expect(described.operationId, `${method} ${path}`).toBeTruthy();
				expect(described.security, `${method} ${path}`).toHaveLength(1);
				expect(Object.keys(described.responses), `${method} ${path}`).toContain("401");
			}
		}
	});
});

describe("the rendered reference", () => {
	it("is a public page under a strict Content-Security-Policy", async () => {
		const res = await h.app.request("http://roster.test/api/docs");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/html");
		const csp = res.headers.get("content-security-policy") ?? "";
		expect(csp).toContain("default-src 'none'");
		expect(csp).toContain("script-src 'self'");
		expect(csp).not.toContain("unsafe-inline");
		expect(csp).toContain("frame-ancestors 'none'");
		const html = await res.text();
		expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
	});

	it("serves every file the page loads from Roster's own origin", async () => {
		const html = await (await h.app.request("http://roster.test/api/docs")).text();
		const files = [...html.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((match) => match[1] ?? "");
		expect(files).toEqual([
			"/api/docs/swagger-ui.css",
			"/api/docs/swagger-ui-bundle.js",
			"/api/docs/init.js",
		]);
		for (const file of files) {
			const res = await h.app.request(`http://roster.test${file}`);
			expect(res.status, file).toBe(200);
			expect(res.headers.get("content-type"), file).toMatch(
				file.endsWith(".css") ? /^text\/css/ : /^text\/javascript/,
			);
			expect((await res.text()).length, file).toBeGreaterThan(0);
		}
		const init = await (await h.app.request("http://roster.test/api/docs/init.js")).text();
		expect(init).toContain('"/openapi.json"');
		expect(init).toContain("validatorUrl: null");
	});

	it.each([
		"/api/docs/index.html",
		"/api/docs/package.json",
		"/api/docs/..%2Fpackage.json",
		"/api/docs/%2e%2e",
	])("answers 404 for %s, never another file of the renderer's package", async (path) => {
		const res = await h.app.request(`http://roster.test${path}`);
		expect(res.status).toBe(404);
		expect(await res.json()).toMatchObject({ error: "Not found" });
	});
});
