import { rows } from "@roster/db";
import type { AnyProcedure } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../src/logger.ts";
import { appRouter } from "../../src/trpc/root.ts";
import { adminProcedure, router, type TrpcContext } from "../../src/trpc/trpc.ts";
import { testConfig } from "../helpers.ts";
import { CONSOLE_ORIGIN, type ConsoleHarness, type ConsoleUser, createConsoleHarness } from "./harness.ts";

/** The only procedures anyone may call without a session. Keep this list short: each entry is a door. */
const PUBLIC = new Set(["system.info", "session.signIn"]);

/**
 * Procedures for any signed-in user, whatever the tier: they only ever concern the caller's own session
 * or the caller's own access (`me.*`, "My access").
 */
const ANY_SIGNED_IN = new Set(["session.me", "session.signOut", "me.access"]);

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>).map(
	([path, procedure]) => ({ path, type: procedure._def.type }),
);
const guarded = procedures.filter(({ path }) => !PUBLIC.has(path));

/** Inputs no schema is likely to accept, and an empty one: refusals must come before input validation. */
const INPUTS: unknown[] = [{}, [[[]]]];

let h: ConsoleHarness;
let member: ConsoleUser;
beforeAll(async () => {
	h = await createConsoleHarness();
	member = await h.memberOf("default");
});
afterAll(async () => {
	await h.close();
});

/** One procedure call over HTTP the way a browser would make it: GET for queries, POST for mutations. */
async function call(
	procedure: { path: string; type: string },
	input: unknown,
	headers: Record<string, string>,
): Promise<{ status: number; code: unknown; text: string }> {
	const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
	const response =
		procedure.type === "query"
			? await h.app.request(`${CONSOLE_ORIGIN}/trpc/${procedure.path}${query}`, { headers })
			: await h.app.request(`${CONSOLE_ORIGIN}/trpc/${procedure.path}`, {
					method: "POST",
					headers: { "content-type": "application/json", ...headers },
					body: JSON.stringify(input),
				});
	const text = await response.text();
	const body = JSON.parse(text) as { error?: { data?: { code?: unknown } } };
	return { status: response.status, code: body.error?.data?.code, text };
}

const consoleHeaders = { origin: CONSOLE_ORIGIN, "x-roster-csrf": "1" };
const cookieOf = (user: ConsoleUser) => ({ cookie: `roster_session=${user.token}` });

/**
 * A digest of every row of every table in the database (schemas of the catalog aside), so a refused call
 * that changed anything at all — a row, a counter, a last-seen time — is caught.
 */
async function databaseDigest(): Promise<Record<string, string>> {
	const tables = await rows<{ schema: string; name: string }>(
		h.db.db,
		sql`select table_schema as schema, table_name as name from information_schema.tables
			where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
			order by 1, 2`,
	);
	const digest: Record<string, string> = {};
	for (const { schema, name } of tables) {
		const table = sql.raw(`"${schema}"."${name}"`);
		const [row] = await rows<{ md5: string }>(
			h.db.db,
			sql`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as md5 from ${table} t`,
		);
		digest[`${schema}.${name}`] = row?.md5 ?? "";
	}
	return digest;
}

describe("authorization of every procedure", () => {
	it("walks the whole router, and allows only the short public list without a session", () => {
		expect(procedures.map(({ path }) => path)).toEqual(expect.arrayContaining([...PUBLIC, ...ANY_SIGNED_IN]));
		expect(procedures.filter(({ path }) => PUBLIC.has(path))).toHaveLength(PUBLIC.size);
	});

	it("refuses every refused call without changing a single row", async () => {
		const before = await databaseDigest();
		expect(Object.keys(before)).toEqual(
			expect.arrayContaining(["public.users", "public.sessions", "public.audit_events"]),
		);

		for (const procedure of guarded) {
			for (const input of INPUTS) {
				const anonymous = await call(procedure, input, consoleHeaders);
				expect({ path: procedure.path, status: anonymous.status, code: anonymous.code }).toEqual({
					path: procedure.path,
					status: 401,
					code: "UNAUTHORIZED",
				});
				expect(anonymous.text).not.toMatch(/\bat\s.+:\d+/);

				if (!ANY_SIGNED_IN.has(procedure.path)) {
					const nonAdmin = await call(procedure, input, { ...consoleHeaders, ...cookieOf(member) });
					expect({ path: procedure.path, status: nonAdmin.status, code: nonAdmin.code }).toEqual({
						path: procedure.path,
						status: 403,
						code: "FORBIDDEN",
					});
				}
			}
		}

		for (const procedure of procedures) {
			for (const input of INPUTS) {
				const refusals = [
					{ ...cookieOf(h.admin), origin: CONSOLE_ORIGIN },
					{ ...cookieOf(h.admin), "x-roster-csrf": "1", origin: "https://evil.example" },
					{ ...cookieOf(h.admin), "x-roster-csrf": "1", origin: "null" },
					{ ...cookieOf(h.admin), "x-roster-csrf": "0" },
				];
				for (const headers of refusals) {
					const crossSite = await call(procedure, input, headers);
					expect({ path: procedure.path, headers, status: crossSite.status, code: crossSite.code }).toEqual({
						path: procedure.path,
						headers,
						status: 403,
						code: "FORBIDDEN",
					});
				}
			}
		}

		expect(await databaseDigest()).toEqual(before);
	}, 120_000);

	it("refuses a cross-site form post to any mutation, url-encoded, multipart or text/plain", async () => {
		const before = await databaseDigest();
		for (const procedure of procedures.filter(({ type }) => type === "mutation")) {
			const form = new FormData();
			form.set("email", h.admin.email);
			form.set("password", h.admin.password);
			const bodies: [string | undefined, string | FormData][] = [
				["application/x-www-form-urlencoded", `email=${encodeURIComponent(h.admin.email)}&password=x`],
				[undefined, form],
				["text/plain", JSON.stringify({ email: h.admin.email, password: h.admin.password })],
			];
			for (const [contentType, body] of bodies) {
				const response = await h.app.request(`${CONSOLE_ORIGIN}/trpc/${procedure.path}`, {
					method: "POST",
					headers: {
						...cookieOf(h.admin),
						origin: "https://evil.example",
						...(contentType ? { "content-type": contentType } : {}),
					},
					body,
				});
				// 403 from the CSRF check, or 415 where tRPC does not parse that content type at all.
				expect({ path: procedure.path, contentType, refused: [403, 415].includes(response.status) }).toEqual({
					path: procedure.path,
					contentType,
					refused: true,
				});
			}
		}
		expect(await databaseDigest()).toEqual(before);
	});

	it("never runs a mutation from a GET, even with the console's headers", async () => {
		for (const procedure of procedures.filter(({ type }) => type === "mutation")) {
			const response = await h.app.request(`${CONSOLE_ORIGIN}/trpc/${procedure.path}?input=%7B%7D`, {
				headers: { ...consoleHeaders, ...cookieOf(h.admin) },
			});
			expect({ path: procedure.path, status: response.status }).toEqual({
				path: procedure.path,
				status: 405,
			});
		}
	});

	it("has a digest that sees a change as small as one new session", async () => {
		const before = await databaseDigest();
		await h.trpcFor().session.signIn.mutate({ email: h.admin.email, password: h.admin.password });
		expect(await databaseDigest()).not.toEqual(before);
	});

	it("lets a script read the public system.info without a cookie or CSRF header", async () => {
		const response = await h.app.request(`${CONSOLE_ORIGIN}/trpc/system.info`);
		expect(response.status).toBe(200);
	});

	it("keeps every me.* procedure for any signed-in user: a non-admin is answered, about themselves", async () => {
		const mine = procedures.filter(({ path }) => path.startsWith("me."));
		expect(mine.map(({ path }) => path)).toContain("me.access");
		for (const procedure of mine) {
			expect(ANY_SIGNED_IN.has(procedure.path)).toBe(true);
			const answer = await call(procedure, undefined, { ...consoleHeaders, ...cookieOf(member) });
			expect({ path: procedure.path, status: answer.status }).toEqual({ path: procedure.path, status: 200 });
			expect(answer.text).toContain(member.email);
		}
		await expect(member.client.me.access.query()).resolves.toMatchObject({
			profile: { userName: member.email },
			access: { tier: "USER" },
		});
	});

	it("gives a non-admin session.me about their own session only", async () => {
		await expect(member.client.session.me.query()).resolves.toMatchObject({
			userId: member.userId,
			tier: "USER",
		});
	});
});

describe("adminProcedure", () => {
	/** A writing admin procedure with a strict input, called in-process with a context of our making. */
	const probe = router({
		write: adminProcedure.input(z.object({ name: z.string().min(1) })).mutation(async ({ ctx, input }) => {
			await ctx.db.execute(sql`select ${input.name}`);
			return { wrote: input.name };
		}),
	});

	function contextFor(session: TrpcContext["session"]): TrpcContext {
		return {
			db: h.db.db,
			config: testConfig(),
			logger: createLogger({ level: "silent" }),
			requestId: "probe",
			session,
			client: { ip: undefined, userAgent: undefined, origin: CONSOLE_ORIGIN },
			sessionCookie: { set: () => undefined, clear: () => undefined },
			csrfRefusal: null,
			credential: session ? "cookie" : null,
			scimLoopback: async (request) => h.app.request(request),
		};
	}

	it("checks the session and the tier before it validates the input", async () => {
		const invalid = { name: 42 } as unknown as { name: string };
		await expect(probe.createCaller(contextFor(null)).write(invalid)).rejects.toMatchObject({
			code: "UNAUTHORIZED",
		});
		const memberSession = {
			sessionId: "00000000-0000-4000-8000-000000000000",
			userId: member.userId,
			organizationId: member.organization.id,
			userName: member.email,
			tier: "USER" as const,
			expiresAt: new Date(Date.now() + 60_000),
			lastSeenAt: new Date(),
		};
		await expect(probe.createCaller(contextFor(memberSession)).write(invalid)).rejects.toMatchObject({
			code: "FORBIDDEN",
		});
		const adminSession = { ...memberSession, userId: h.admin.userId, tier: "ADMIN" as const };
		await expect(probe.createCaller(contextFor(adminSession)).write(invalid)).rejects.toMatchObject({
			code: "BAD_REQUEST",
		});
		await expect(probe.createCaller(contextFor(adminSession)).write({ name: "ok" })).resolves.toEqual({
			wrote: "ok",
		});
	});
});
