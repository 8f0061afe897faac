import { createAppKey } from "../../src/connections/app-keys.ts";
import { createOrganization, findOrganizationBySlug } from "../../src/organizations/organizations.ts";
import { createSession } from "../../src/sessions/sessions.ts";
import { TEST_SECRET } from "../helpers.ts";
import type { ScimClient, ScimHarness } from "../scim/harness.ts";

const CORE_USER = "urn:ietf:params:scim:schemas:core:2.0:User";

/** A parsed HTTP answer of the app under test. */
export interface Reply {
	status: number;
	headers: Headers;
	body: Record<string, unknown> | null;
}

async function reply(res: Response): Promise<Reply> {
	const text = await res.text();
	let body: Record<string, unknown> | null = null;
	try {
		body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
	} catch {
		body = null;
	}
	return { status: res.status, headers: res.headers, body };
}

/** Provisions an active user over SCIM with `client` and returns its id. */
export async function provisionUser(client: ScimClient, userName: string): Promise<string> {
	const res = await client("POST", "/Users", { schemas: [CORE_USER], userName, active: true });
	if (res.status !== 201) throw new Error(`provisioning ${userName} failed: ${res.status} ${res.text}`);
	return res.body?.id as string;
}

/** Issues an application key for `orgSlug` (created if missing) through the service the CLI uses. */
export async function issueAppKey(h: ScimHarness, orgSlug: string, name = "host-app"): Promise<string> {
	const organization =
		(await findOrganizationBySlug(h.db.db, orgSlug)) ??
		(await createOrganization(h.db.db, { slug: orgSlug, name: orgSlug }));
	const created = await createAppKey(h.db.db, { organization, name, secret: TEST_SECRET, actor: "test" });
	return created.key;
}

/** Signs a user in the way the console will: a session row and its one-time token. */
export async function signIn(h: ScimHarness, userId: string, ttlSeconds?: number): Promise<string> {
	const created = await createSession(h.db.db, { userId, secret: TEST_SECRET, ttlSeconds });
	return created.token;
}

/** Calls `/api/v1` on the app under test with `Authorization: Bearer <credential>`. */
export function apiClient(h: ScimHarness, credential: string | undefined) {
	return async (
		method: string,
		path: string,
		body?: unknown,
		headers: Record<string, string> = {},
	): Promise<Reply> => {
		const init: RequestInit = {
			method,
			headers: {
				...(credential ? { Authorization: `Bearer ${credential}` } : {}),
				...(body !== undefined ? { "Content-Type": "application/json" } : {}),
				...headers,
			},
		};
		if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
		return reply(await h.app.request(`http://roster.test/api/v1${path}`, init));
	};
}

/** Calls the tRPC query `session.me` the way the console does, with the given headers. */
export async function sessionMe(h: ScimHarness, headers: Record<string, string>): Promise<Reply> {
	return reply(await h.app.request("http://roster.test/trpc/session.me", { headers }));
}
