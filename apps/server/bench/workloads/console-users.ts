import type { UserListInput } from "@roster/domain/inputs/users";
import { requireOrganization } from "../../src/organizations/organizations.ts";
import { createSession } from "../../src/sessions/sessions.ts";
import { createAdmin } from "../../src/users/admins.ts";
import { encodeCursor } from "../../src/users/keyset.ts";
import { withServices } from "../access-setup.ts";
import type { BenchContext } from "../context.ts";
import { percentile, warmThenRun } from "../load.ts";
import { loadRow, mark, type ResultRow } from "../table.ts";

const GOAL_P99_MS = 100;
/** A console page is read by a few administrators at once, not by an IdP's worker pool. */
const MAX_CLIENTS = 4;

/** Signs a bench administrator in through the real services; the cookie the console would send. */
async function adminCookie(ctx: BenchContext): Promise<string> {
	return withServices(ctx.db, async (handle) => {
		const organization = await requireOrganization(handle.db, "default");
		const admin = await createAdmin(handle.db, {
			organization,
			email: `bench-admin-${Date.now()}@bench.example`,
			password: "bench-admin-password",
		});
		const { token } = await createSession(handle.db, { userId: admin.id, secret: ctx.db.secret });
		return `roster_session=${token}`;
	});
}

/** The cursor of the page that starts at the `offset`-th user in userName order, as the server encodes it. */
async function cursorAt(ctx: BenchContext, offset: number): Promise<string> {
	const [row] = await ctx.db.sql<{ key: string; id: string }[]>`
		select lower(user_name) as key, id from users where org_id = ${ctx.db.orgId} and not is_deleted
		order by lower(user_name), id offset ${offset - 1} limit 1`;
	if (!row) throw new Error(`no user at offset ${offset}`);
	return encodeCursor({ sort: "userName", direction: "asc", key: row.key, id: row.id });
}

interface ListAnswer {
	result?: { data?: { rows: unknown[] } };
}

/**
 * The console's heaviest read, `users.list` over tRPC HTTP with an administrator's session, over the
 * seeded 100,000 users on PostgreSQL: the first page, a page 50,000 rows deep (keyset), the first page
 * by last update, a substring search and a SCIM filter, each with its capped total. Goal: p99 < 100 ms.
 */
export async function consoleUsersWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { options } = ctx;
	await ctx.ensureSeeded(options.lookupUsers);
	const cookie = await adminCookie(ctx);
	const deep = Math.floor(options.lookupUsers / 2);
	const users = options.lookupUsers.toLocaleString("en-US");
	const cases: { name: string; input: UserListInput; minRows: number }[] = [
		{ name: `first page by userName (${users} users)`, input: { limit: 50 }, minRows: 50 },
		{
			name: `page ${deep.toLocaleString("en-US")} rows deep (keyset)`,
			input: { limit: 50, cursor: await cursorAt(ctx, deep) },
			minRows: 50,
		},
		{
			name: "first page by last update, newest first",
			input: { limit: 50, sort: "updated", direction: "desc" },
			minRows: 50,
		},
		{ name: 'search box "seed-4242"', input: { limit: 50, search: "seed-4242" }, minRows: 1 },
		{
			name: 'SCIM filter userName sw "seed-99" and active eq true',
			input: { limit: 50, mode: "scim", search: 'userName sw "seed-99" and active eq true' },
			minRows: 50,
		},
	];
	const rows: ResultRow[] = [];
	for (const { name, input, minRows } of cases) {
		const url = `${ctx.server.baseUrl}/trpc/users.list?input=${encodeURIComponent(JSON.stringify(input))}`;
		const result = await warmThenRun({
			clients: Math.min(options.clients, MAX_CLIENTS),
			seconds: options.seconds,
			maxOps: options.maxOps,
			operation: async () => {
				const response = await fetch(url, {
					headers: { cookie, "x-roster-csrf": "1", origin: ctx.server.baseUrl },
				});
				const body = (await response.json()) as ListAnswer;
				const found = body.result?.data?.rows.length ?? -1;
				if (response.status !== 200 || found < minRows) {
					throw new Error(`users.list (${name}) answered ${response.status} with ${found} rows`);
				}
			},
		});
		const p99 = percentile(result.latenciesMs, 0.99);
		const passed = p99 < GOAL_P99_MS;
		rows.push(
			loadRow(`console users.list: ${name}`, result, `goal p99 < ${GOAL_P99_MS} ms ${mark(passed)}`, passed),
		);
	}
	return rows;
}
