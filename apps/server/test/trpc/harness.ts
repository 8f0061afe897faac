import type { Organization } from "@roster/db";
import { users } from "@roster/db";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import { eq } from "drizzle-orm";
import { createOrganization, findOrganizationBySlug } from "../../src/organizations/organizations.ts";
import { createSession } from "../../src/sessions/sessions.ts";
import type { AppRouter } from "../../src/trpc/root.ts";
import { createAdmin } from "../../src/users/admins.ts";
import { TEST_SECRET } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";

/** The origin the test app is reached at; same-origin console requests carry it. */
export const CONSOLE_ORIGIN = "http://roster.test";

/** A console user signed in through a real session row, with a tRPC client that sends its cookie. */
export interface ConsoleUser {
	userId: string;
	email: string;
	password: string;
	token: string;
	organization: Organization;
	client: TRPCClient<AppRouter>;
}

/** The SCIM harness plus console sign-ins: tRPC calls go through `app.request`, the real HTTP stack. */
export interface ConsoleHarness extends ScimHarness {
	/** An administrator of the default organization. */
	admin: ConsoleUser;
	/** A tRPC client presenting `token` (or nothing) the way the console does. */
	trpcFor(token?: string, headers?: Record<string, string>): TRPCClient<AppRouter>;
	/** A new local administrator of `orgSlug` (created if missing), signed in. */
	adminOf(orgSlug: string, email?: string): Promise<ConsoleUser>;
	/** A signed-in user of `orgSlug` whose tier is not ADMIN. */
	memberOf(orgSlug: string, email?: string): Promise<ConsoleUser>;
}

const PASSWORD = "correct horse battery staple";
let serial = 0;

export async function createConsoleHarness(
	options: Parameters<typeof createScimHarness>[0] = {},
): Promise<ConsoleHarness> {
	const h = await createScimHarness(options);

	function trpcFor(token?: string, headers: Record<string, string> = {}): TRPCClient<AppRouter> {
		return createTRPCClient<AppRouter>({
			links: [
				httpBatchLink({
					url: `${CONSOLE_ORIGIN}/trpc`,
					headers: {
						origin: CONSOLE_ORIGIN,
						"x-roster-csrf": "1",
						...(token ? { cookie: `roster_session=${token}` } : {}),
						...headers,
					},
					fetch: async (url, init) => h.app.request(String(url), init as RequestInit),
				}),
			],
		});
	}

	async function organizationOf(slug: string): Promise<Organization> {
		return (
			(await findOrganizationBySlug(h.db.db, slug)) ??
			(await createOrganization(h.db.db, { slug, name: slug }))
		);
	}

	async function signedIn(
		organization: Organization,
		email: string,
		tier: "ADMIN" | "USER",
	): Promise<ConsoleUser> {
		const user = await createAdmin(h.db.db, { organization, email, password: PASSWORD });
		if (tier !== "ADMIN") await h.db.db.update(users).set({ accessTier: tier }).where(eq(users.id, user.id));
		const { token } = await createSession(h.db.db, { userId: user.id, secret: TEST_SECRET });
		return { userId: user.id, email, password: PASSWORD, token, organization, client: trpcFor(token) };
	}

	const adminOf = async (orgSlug: string, email = `admin${++serial}@${orgSlug}.example`) =>
		signedIn(await organizationOf(orgSlug), email, "ADMIN");
	const memberOf = async (orgSlug: string, email = `member${++serial}@${orgSlug}.example`) =>
		signedIn(await organizationOf(orgSlug), email, "USER");

	return { ...h, admin: await adminOf("default"), trpcFor, adminOf, memberOf };
}
