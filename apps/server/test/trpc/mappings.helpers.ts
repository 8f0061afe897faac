import { type Organization, organizations, rows } from "@roster/db";
import type { MappingChangeInput } from "@roster/domain/inputs/mappings";
import { createTRPCClient, httpBatchStreamLink, type TRPCClient } from "@trpc/client";
import { eq, sql } from "drizzle-orm";
import { recomputeAccess } from "../../src/access/recompute.ts";
import type { AppRouter } from "../../src/trpc/root.ts";
import { CONSOLE_ORIGIN, type ConsoleHarness } from "./harness.ts";

/** A console client over the streaming link `mappings.save` needs, presenting a session token. */
export function streamClientFor(h: ConsoleHarness, token: string): TRPCClient<AppRouter> {
	return createTRPCClient<AppRouter>({
		links: [
			httpBatchStreamLink({
				url: `${CONSOLE_ORIGIN}/trpc`,
				headers: { origin: CONSOLE_ORIGIN, "x-roster-csrf": "1", cookie: `roster_session=${token}` },
				fetch: async (url, init) => h.app.request(String(url), init as RequestInit),
			}),
		],
	});
}

type SaveEvents = Awaited<ReturnType<TRPCClient<AppRouter>["mappings"]["save"]["mutate"]>>;
type SaveEvent = SaveEvents extends AsyncIterable<infer E> ? E : never;
export type SavedEvent = Extract<SaveEvent, { kind: "saved" }>;

/** Saves a change through `mappings.save` and collects what it streamed. */
export async function save(
	client: TRPCClient<AppRouter>,
	change: MappingChangeInput,
): Promise<{ progress: Extract<SaveEvent, { kind: "progress" }>[]; saved: SavedEvent }> {
	const progress: Extract<SaveEvent, { kind: "progress" }>[] = [];
	let saved: SavedEvent | undefined;
	for await (const event of await client.mappings.save.mutate(change)) {
		if (event.kind === "progress") progress.push(event);
		else saved = event;
	}
	if (!saved) throw new Error("mappings.save streamed no result");
	return { progress, saved };
}

/** A digest of every table a mapping change could write, to prove a preview wrote nothing. */
export async function tablesDigest(h: ConsoleHarness): Promise<Record<string, string>> {
	const tables = [
		"organizations",
		"users",
		"user_project_roles",
		"projects",
		"role_mappings",
		"audit_events",
	];
	const out: Record<string, string> = {};
	for (const table of tables) {
		const [row] = await rows<{ digest: string | null }>(
			h.db.db,
			sql`select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${sql.identifier(table)} as t`,
		);
		out[table] = row?.digest ?? "";
	}
	return out;
}

/** A user's access as stored: tier and project slug → role. */
export interface StoredUserAccess {
	tier: string;
	roles: Record<string, string>;
}

/** The stored tier and project roles of every IdP-managed user of the organization. */
export async function accessOfEveryone(
	h: ConsoleHarness,
	organization: Organization,
): Promise<Map<string, StoredUserAccess>> {
	const found = await rows<{ id: string; tier: string }>(
		h.db.db,
		sql`select id, access_tier as tier from users where org_id = ${organization.id}::uuid and auth_method <> 'INTERNAL'`,
	);
	const out = new Map(found.map((row) => [row.id, { tier: row.tier, roles: {} as Record<string, string> }]));
	const roles = await rows<{ user_id: string; slug: string; role: string }>(
		h.db.db,
		sql`select r.user_id, p.slug, r.role from user_project_roles r join projects p on p.id = r.project_id
			where r.org_id = ${organization.id}::uuid`,
	);
	for (const row of roles) {
		const user = out.get(row.user_id);
		if (user) user.roles[row.slug] = row.role;
	}
	return out;
}

/** Creates projects the way a console change would: the rows plus an access-version bump. */
export async function addProjects(
	h: ConsoleHarness,
	organization: Organization,
	slugs: string[],
): Promise<void> {
	await h.db.db.execute(sql`
		with created as (
			insert into projects (org_id, slug, name)
			select ${organization.id}::uuid, s, s from jsonb_array_elements_text(${JSON.stringify(slugs)}::jsonb) as s)
		update organizations set access_version = access_version + 1 where id = ${organization.id}::uuid`);
}

/**
 * `count` users `<prefix>-<n>@seed.example` (n = 1…count; every 7th sends the role `Contoso.Engineer`) and
 * groups named `<prefix>-<name>` holding the users whose n is a multiple of `every`, then one recompute of
 * the organization so everyone's stored decision is current. Returns the user ids in n order.
 */
export async function seedPeople(
	h: ConsoleHarness,
	organization: Organization,
	prefix: string,
	count: number,
	groups: Record<string, number>,
): Promise<string[]> {
	const ids = await rows<{ id: string }>(
		h.db.db,
		sql`insert into users (org_id, user_name, display_name, attributes)
			select ${organization.id}::uuid, ${prefix} || '-' || i || '@seed.example', ${prefix} || ' ' || i,
				case when i % 7 = 0 then '{"roles":["Contoso.Engineer"]}'::jsonb else '{}'::jsonb end
			from generate_series(1, ${count}::int) as i order by i returning id`,
	);
	for (const [name, every] of Object.entries(groups)) {
		await h.db.db.execute(sql`
			with g as (
				insert into groups (org_id, display_name, external_id)
				values (${organization.id}::uuid, ${`${prefix}-${name}`}, ${`ext-${prefix}-${name}`}) returning id)
			insert into group_members (group_id, user_id)
			select g.id, u.id from g, users u
			where u.org_id = ${organization.id}::uuid and u.user_name like ${`${prefix}-%@seed.example`}
				and split_part(split_part(u.user_name, '@', 1), '-', 2)::int % ${every}::int = 0`);
	}
	const [fresh] = await h.db.db.select().from(organizations).where(eq(organizations.id, organization.id));
	if (!fresh) throw new Error("organization vanished");
	await h.db.db.transaction((tx) => recomputeAccess(tx, fresh, { organization: true }, { cacheable: false }));
	return ids.map((row) => row.id);
}

/** A mapping change as the console sends it, for a group by displayName to a tier. */
export function tierMapping(matchValue: string, tier: "USER" | "PROJECTADMIN" | "ADMIN", priority = 100) {
	return {
		action: "create",
		matchKind: "group_display_name",
		matchValue,
		targetKind: "tier",
		tier,
		priority,
	} as const satisfies MappingChangeInput;
}
