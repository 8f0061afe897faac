import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { auditEvents, ssoSettings } from "@roster/db";
import { TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StandaloneProvider } from "../../../../e2e/idp/oidc/standalone.ts";
import { createApp } from "../../src/app.ts";
import { createLogger } from "../../src/logger.ts";
import { testConfig } from "../helpers.ts";
import type { ConsoleUser } from "../trpc/harness.ts";
import { CLIENT_ID, CLIENT_SECRET, createSsoHarness, ROSTER, type SsoHarness } from "./harness.ts";

let h: SsoHarness;
let admin: ConsoleUser;
let idp: StandaloneProvider;
let notFound: Server;
let notFoundUrl: string;

beforeAll(async () => {
	h = await createSsoHarness();
	admin = await h.adminOf("acme");
	idp = await h.startProvider("acme");
	notFound = createServer((_req, res) => res.writeHead(404).end("no such page"));
	await new Promise<void>((resolve) => notFound.listen(0, "127.0.0.1", resolve));
	notFoundUrl = `http://127.0.0.1:${(notFound.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await new Promise<void>((resolve) => notFound.close(() => resolve()));
	await h.close();
});

const valid = {
	enabled: false,
	issuer: "https://login.example.com/tenant/v2.0",
	clientId: CLIENT_ID,
	matchAttribute: "userName" as const,
	matchClaim: "preferred_username",
};

/** The field errors of a refused save, keyed by field. */
async function fieldErrorsOf(promise: Promise<unknown>): Promise<Record<string, string[]>> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	if (!(error instanceof TRPCClientError)) throw new Error("the save was not refused");
	return (error.data as { fieldErrors?: Record<string, string[]> }).fieldErrors ?? {};
}

describe("single sign-on settings", () => {
	it("start off, matching by userName, with the redirect URI of the origin the console is reached at", async () => {
		await expect(admin.client.sso.get.query()).resolves.toEqual({
			enabled: false,
			issuer: "",
			clientId: "",
			clientSecretSet: false,
			matchAttribute: "userName",
			matchClaim: "preferred_username",
			updatedAt: null,
			redirectUri: `${ROSTER}/auth/sso/acme/callback`,
		});
	});

	it("take the redirect URI's origin from PUBLIC_URL, else from a trusted proxy's forwarded headers", async () => {
		const logger = createLogger({ level: "silent" });
		const publicApp = createApp({
			db: h.db,
			config: testConfig({ publicUrl: "https://roster.example.com" }),
			logger,
		});
		const proxiedApp = createApp({
			db: h.db,
			config: testConfig({ trustedProxies: [{ address: "10.0.0.1", prefix: 32, family: "ipv4" }] }),
			logger,
		});
		const get = async (app: typeof publicApp, headers: Record<string, string>) => {
			const response = await app.request(
				"http://10.0.0.5:8787/trpc/sso.get",
				{ headers: { cookie: `roster_session=${admin.token}`, "x-roster-csrf": "1", ...headers } },
				{ incoming: { socket: { remoteAddress: "10.0.0.1", remotePort: 40000 } } },
			);
			return ((await response.json()) as { result: { data: { redirectUri: string } } }).result.data
				.redirectUri;
		};
		expect(await get(publicApp, {})).toBe("https://roster.example.com/auth/sso/acme/callback");
		expect(
			await get(proxiedApp, { "x-forwarded-proto": "https", "x-forwarded-host": "sso.acme.example" }),
		).toBe("https://sso.acme.example/auth/sso/acme/callback");
	});

	it.each([
		["http://login.example.com", "https"],
		["ftp://login.example.com", "https"],
		["login.example.com", "full URL"],
		["https://user:pw@login.example.com", "user name or password"],
		["https://login.example.com/?tenant=1", "query"],
		["https://login.example.com/#x", "fragment"],
	])("refuse the issuer %s", async (issuer, words) => {
		const errors = await fieldErrorsOf(admin.client.sso.save.mutate({ ...valid, issuer }));
		expect(errors.issuer?.join(" ")).toContain(words);
	});

	it.each([
		"http://127.0.0.1:9101",
		"http://localhost:9101",
		"http://[::1]:9101",
		"https://login.microsoftonline.com/tid/v2.0",
	])("accept the issuer %s", async (issuer) => {
		await expect(admin.client.sso.save.mutate({ ...valid, issuer })).resolves.toMatchObject({ issuer });
	});

	it("refuse to turn single sign-on on without an issuer, a client id or a secret", async () => {
		const errors = await fieldErrorsOf(
			admin.client.sso.save.mutate({ ...valid, enabled: true, issuer: "", clientId: "" }),
		);
		expect(Object.keys(errors).sort()).toEqual(["clientId", "issuer"]);
		await expect(admin.client.sso.save.mutate({ ...valid, enabled: true })).rejects.toThrow(/client secret/);
		const errorsOfClaim = await fieldErrorsOf(
			admin.client.sso.save.mutate({ ...valid, matchClaim: "no spaces" }),
		);
		expect(errorsOfClaim.matchClaim).toBeDefined();
	});

	it("keep the client secret write-only: sealed at rest, never answered, audited only as set or replaced", async () => {
		const before = await h.lastAuditId();
		const saved = await admin.client.sso.save.mutate({
			...valid,
			enabled: true,
			clientSecret: CLIENT_SECRET,
		});
		expect(saved).toMatchObject({ enabled: true, clientSecretSet: true });
		const fetched = await admin.client.sso.get.query();
		expect(fetched.clientSecretSet).toBe(true);
		expect(JSON.stringify([saved, fetched])).not.toContain(CLIENT_SECRET);

		const [row] = await h.db.db
			.select()
			.from(ssoSettings)
			.where(eq(ssoSettings.orgId, admin.organization.id));
		expect(row?.clientSecretSealed).toBeTruthy();
		expect(row?.clientSecretSealed).not.toContain(CLIENT_SECRET);
		expect(Buffer.from(row?.clientSecretSealed ?? "", "base64url").toString("latin1")).not.toContain(
			CLIENT_SECRET,
		);

		await admin.client.sso.save.mutate({ ...valid, enabled: true, clientSecret: `${CLIENT_SECRET}-2` });
		const keptRow = (
			await h.db.db.select().from(ssoSettings).where(eq(ssoSettings.orgId, admin.organization.id))
		)[0];
		await admin.client.sso.save.mutate({ ...valid, enabled: true, clientId: "another-client" });
		const [afterKeep] = await h.db.db
			.select()
			.from(ssoSettings)
			.where(eq(ssoSettings.orgId, admin.organization.id));
		expect(afterKeep?.clientSecretSealed).toBe(keptRow?.clientSecretSealed);

		const events = await h.auditAfter(admin.organization.id, before);
		expect(events.map((event) => event.action)).toEqual([
			"SSO_SETTINGS_CHANGED",
			"SSO_SETTINGS_CHANGED",
			"SSO_SETTINGS_CHANGED",
		]);
		expect(events[0]?.changes).toMatchObject({
			enabled: { old: false, new: true },
			clientSecret: { old: "not set", new: "set" },
		});
		expect(events[1]?.changes).toEqual({ clientSecret: { old: "set", new: "replaced" } });
		expect(events[2]?.changes).toEqual({ clientId: { old: CLIENT_ID, new: "another-client" } });
		expect(events[0]).toMatchObject({ actorType: "admin", actorId: admin.userId, entityName: "acme" });
		const everything = JSON.stringify(await h.db.db.select().from(auditEvents));
		expect(everything).not.toContain(CLIENT_SECRET);
	});

	it("write nothing for a save that changes nothing", async () => {
		const current = await admin.client.sso.get.query();
		const before = await h.lastAuditId();
		const [row] = await h.db.db
			.select()
			.from(ssoSettings)
			.where(eq(ssoSettings.orgId, admin.organization.id));
		await admin.client.sso.save.mutate({
			enabled: current.enabled,
			issuer: current.issuer,
			clientId: current.clientId,
			matchAttribute: current.matchAttribute,
			matchClaim: current.matchClaim,
		});
		expect(await h.auditAfter(admin.organization.id, before)).toEqual([]);
		const [after] = await h.db.db
			.select()
			.from(ssoSettings)
			.where(eq(ssoSettings.orgId, admin.organization.id));
		expect(after?.version).toBe(row?.version);
	});
});

describe("check issuer", () => {
	it("reports a working issuer's endpoints", async () => {
		await expect(admin.client.sso.checkIssuer.mutate({ issuer: idp.issuer })).resolves.toEqual({
			ok: true,
			issuer: idp.issuer,
			authorizationEndpoint: `${idp.issuer}/auth`,
			tokenEndpoint: `${idp.issuer}/token`,
			jwksUri: `${idp.issuer}/jwks`,
			userinfoEndpoint: `${idp.issuer}/me`,
			notes: [],
		});
	});

	it("says in plain words what is wrong with an issuer that does not work", async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
		const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const problems = {
			refused: closedUrl,
			notFound: notFoundUrl,
			otherName: idp.issuer.replace("127.0.0.1", "localhost"),
		};
		const answers: Record<string, unknown> = {};
		for (const [name, issuer] of Object.entries(problems)) {
			answers[name] = await admin.client.sso.checkIssuer.mutate({ issuer });
		}
		expect(answers).toEqual({
			refused: { ok: false, problem: expect.stringContaining("refused the connection") },
			notFound: {
				ok: false,
				problem: `${notFoundUrl}/.well-known/openid-configuration answered with HTTP 404: check the issuer URL`,
			},
			otherName: { ok: false, problem: expect.stringContaining(`The IdP names its issuer "${idp.issuer}"`) },
		});
		const errors = await fieldErrorsOf(
			admin.client.sso.checkIssuer.mutate({ issuer: "http://login.example.com" }),
		);
		expect(errors.issuer?.join(" ")).toContain("https");
	});

	it("names the HTTP status under the Node server too, whose global Response is not fetch's", async () => {
		// What `pnpm start` does first: the Node adapter swaps in its own global Response class.
		getRequestListener(() => new Response());
		expect(await admin.client.sso.checkIssuer.mutate({ issuer: notFoundUrl })).toEqual({
			ok: false,
			problem: `${notFoundUrl}/.well-known/openid-configuration answered with HTTP 404: check the issuer URL`,
		});
	});
});
