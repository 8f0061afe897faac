import { PGlite } from "@electric-sql/pglite";
import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import fc from "fast-check";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScimError } from "../src/errors.ts";
import { evaluateFilter } from "../src/filter/evaluate.ts";
import { parseFilter } from "../src/filter/parse.ts";
import { compileFilter, type Field, type FieldResolver } from "../src/filter/sql.ts";
import { ENTERPRISE_USER_SCHEMA, userResourceType } from "../src/schemas/index.ts";
import type { ResolvedAttribute } from "../src/schemas/types.ts";

interface Database {
	execute(query: SQL): Promise<unknown>;
}

interface Target {
	name: string;
	open(): Promise<{ db: Database; schema: string; close(): Promise<void> }>;
}

const schemaName = `scim_filter_${process.pid}_${Date.now()}`;
const targets: Target[] = [
	{
		name: "PGlite",
		async open() {
			const client = new PGlite();
			return { db: drizzlePglite(client), schema: "public", close: () => client.close() };
		},
	},
];
const databaseUrl = process.env.TEST_DATABASE_URL;
if (databaseUrl) {
	targets.push({
		name: "PostgreSQL",
		async open() {
			const client = postgres(databaseUrl, { max: 1, onnotice: () => {} });
			const db = drizzlePostgres(client);
			await db.execute(sql.raw(`CREATE SCHEMA "${schemaName}"`));
			return {
				db,
				schema: schemaName,
				async close() {
					await db.execute(sql.raw(`DROP SCHEMA "${schemaName}" CASCADE`));
					await client.end();
				},
			};
		},
	});
}

type Resource = Record<string, unknown> & { id: string };

const namePool = [
	"alice",
	"Alice",
	"ALICE",
	"bob",
	"Bób",
	"carol",
	"",
	"a%b",
	"x_y",
	"back\\slash",
	"Élodie",
	"zed",
];
const domainPool = ["example.com", "EXAMPLE.com", "jensen.org", "a_b.net"];
const typePool = ["work", "Work", "home", "other"];
const departmentPool = ["Sales", "sales", "R&D", "Eng", "100%"];
const datePool = [
	"2024-01-01T00:00:00Z",
	"2024-01-01T01:00:00+01:00",
	"2024-02-29T12:30:00.5Z",
	"2023-12-31T23:59:59.999Z",
	"2025-06-15T08:00:00-07:00",
	"2015-10-10T14:38:21.8617979-07:00",
	"2024-01-01T00:00:00.0000005Z",
	"2024-01-01T00:00:00.0000025Z",
	"2023-12-31T23:59:59.9999995Z",
	"2024-02-29T12:30:00.499999999Z",
];

/** Stored values: mostly well-typed, some of the wrong JSON type or shape, which must never match or fail. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const email = fc.record(
	{
		value: fc.oneof(
			{
				weight: 8,
				arbitrary: fc
					.tuple(fc.constantFrom(...namePool), fc.constantFrom(...domainPool))
					.map(([n, d]) => `${n}@${d}`),
			},
			{ weight: 1, arbitrary: fc.constant(42) },
			{ weight: 1, arbitrary: fc.constant(null) },
		),
		type: fc.constantFrom(...typePool),
		primary: fc.oneof(fc.boolean(), fc.constant("true")),
	},
	{ requiredKeys: ["value"] },
);
const resourceArb = fc.record({
	uuid: fc.uuid({ version: 4 }),
	userName: fc.tuple(fc.constantFrom(...namePool), fc.nat(999)).map(([n, i]) => `${n}${i}`),
	displayName: maybe(fc.constantFrom(...namePool)),
	externalId: maybe(fc.constantFrom("Ext-1", "ext-1", "EXT-2", "")),
	active: fc.boolean(),
	created: fc.constantFrom(...datePool),
	lastModified: maybe(
		fc.oneof(
			fc.constantFrom(...datePool),
			fc.constantFrom("yesterday", "2024-02-30T00:00:00Z", `2024-01-01T00:00:00.${"1".repeat(130)}Z`, 5),
		),
	),
	title: maybe(fc.oneof(fc.constantFrom(...namePool), fc.constant(7), fc.constant(null))),
	givenName: maybe(fc.constantFrom(...namePool)),
	emails: maybe(
		fc.oneof(
			{ weight: 9, arbitrary: fc.array(email, { maxLength: 3 }) },
			{ weight: 1, arbitrary: fc.constant({ value: "x@y" }) },
		),
	),
	addresses: maybe(
		fc.array(
			fc.record({ type: fc.constantFrom(...typePool), postalCode: fc.constantFrom("91608", "10001") }),
			{ maxLength: 2 },
		),
	),
	department: maybe(fc.constantFrom(...departmentPool)),
	manager: maybe(fc.oneof(fc.record({ value: fc.constantFrom("m1", "M1", "m2") }), fc.constant({}))),
	groups: fc.subarray(["g1", "g2", "g3"]),
});

function toResource(input: typeof resourceArb extends fc.Arbitrary<infer T> ? T : never): Resource {
	const extension = { department: input.department, manager: input.manager };
	return JSON.parse(
		JSON.stringify({
			id: input.uuid,
			userName: input.userName,
			displayName: input.displayName,
			externalId: input.externalId,
			active: input.active,
			title: input.title,
			name: input.givenName === undefined ? undefined : { givenName: input.givenName },
			emails: input.emails,
			addresses: input.addresses,
			groups: input.groups.map((value) => ({ value })),
			meta: { created: input.created, lastModified: input.lastModified },
			[ENTERPRISE_USER_SCHEMA]: extension,
		}),
	) as Resource;
}

const resources = fc.sample(resourceArb, { numRuns: 50, seed: 7 }).map(toResource);

/** The storage a Users route would describe: core columns, everything else in `attributes` jsonb. */
function fieldsFor(schema: string): FieldResolver {
	const table = sql.raw(`"${schema}"."users"`);
	const memberOf = sql.raw(`"${schema}"."member_of"`);
	const column = (name: string): SQL => sql`${table}.${sql.raw(`"${name}"`)}`;
	const json = (...keys: string[]): SQL =>
		sql`(${column("attributes")} #> ${`{${keys.map((key) => `"${key}"`).join(",")}}`}::text[])`;
	return (attr: ResolvedAttribute): Field | undefined => {
		const { uri, attr: name, sub } = attr.canonical;
		if (uri === ENTERPRISE_USER_SCHEMA) return { kind: "json", sql: json(uri, name, ...(sub ? [sub] : [])) };
		switch (name) {
			case "id":
				return { kind: "column", sql: column("id"), format: "uuid" };
			case "userName":
				return { kind: "column", sql: column("user_name") };
			case "displayName":
				return { kind: "column", sql: column("display_name") };
			case "externalId":
				return { kind: "column", sql: column("external_id") };
			case "active":
				return { kind: "column", sql: column("active") };
			case "meta":
				if (sub === "created") return { kind: "column", sql: column("created_at") };
				return sub === "lastModified" ? { kind: "json", sql: json("lastModified") } : undefined;
			case "name":
			case "title":
				return { kind: "json", sql: json(name, ...(sub ? [sub] : [])) };
			case "emails":
			case "addresses":
				return { kind: "jsonArray", sql: json(name) };
			case "groups":
				return {
					kind: "custom",
					compile(op, value, subName) {
						const member = sql`EXISTS (SELECT 1 FROM ${memberOf} m WHERE m.user_id = ${column("id")}`;
						if (op === "pr" && subName === undefined) return sql`${member})`;
						if (op === "eq" && subName === "value" && typeof value === "string") {
							return sql`${member} AND m.group_id = ${value})`;
						}
						throw new ScimError(400, "invalidFilter", "groups supports only value eq and pr");
					},
				};
			default:
				return undefined;
		}
	};
}

/** Whether a value may be written unquoted and still read back as the same string (`parseFilter`'s bare values). */
const writableBare = (value: string) =>
	/^[^\s()[\]"]+$/.test(value) &&
	!/^(?:true|false|null|and|or|not)$/i.test(value) &&
	!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value);

const filterText = (() => {
	const str = (value: string) => JSON.stringify(value);
	const literal = (values: fc.Arbitrary<string>) =>
		fc.tuple(values, fc.boolean()).map(([value, bare]) => (bare && writableBare(value) ? value : str(value)));
	const stringValue = fc.oneof(
		fc.constantFrom(
			...namePool,
			...domainPool,
			...typePool,
			...departmentPool,
			"a",
			"AL",
			"%",
			"_",
			"\\",
			"@",
			"m1",
			"Ext-1",
			"91608",
		),
		fc.string({ maxLength: 3 }),
	);
	const value = literal(stringValue);
	const stringOp = fc.constantFrom("eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le");
	const orderOp = fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le");
	const stringAttr = fc.constantFrom(
		"userName",
		"displayName",
		"externalId",
		"title",
		"name.givenName",
		"emails.value",
		"emails",
		"emails.type",
		"addresses.postalCode",
		"department",
		`${ENTERPRISE_USER_SCHEMA}:manager.value`,
		"id",
	);
	const presentAttr = fc.constantFrom(
		"userName",
		"displayName",
		"externalId",
		"title",
		"name",
		"name.givenName",
		"emails",
		"emails.value",
		"emails.primary",
		"addresses",
		"department",
		"manager",
		"manager.value",
		"meta.lastModified",
		"groups",
	);
	const idValue = fc.constantFrom(...resources.slice(0, 5).map((resource) => resource.id), "not-a-uuid");
	const leaf = fc.oneof(
		fc.tuple(stringAttr, stringOp, value).map(([a, op, v]) => `${a} ${op} ${v}`),
		fc.tuple(orderOp, idValue).map(([op, v]) => `id ${op} ${str(v)}`),
		fc
			.tuple(fc.constantFrom("active", "emails.primary"), fc.constantFrom("eq", "ne"), fc.boolean())
			.map(([a, op, v]) => `${a} ${op} ${v}`),
		fc
			.tuple(
				fc.constantFrom("meta.created", "meta.lastModified"),
				orderOp,
				literal(fc.constantFrom(...datePool)),
			)
			.map(([a, op, v]) => `${a} ${op} ${v}`),
		presentAttr.map((a) => `${a} pr`),
		fc.tuple(presentAttr, fc.constantFrom("eq", "ne")).map(([a, op]) => `${a} ${op} null`),
		fc.constantFrom("g1", "g2", "g4").map((g) => `groups.value eq ${str(g)}`),
		fc.constantFrom("g1", "g3").map((g) => `groups[value eq ${str(g)}]`),
	);
	const emailInner = fc.oneof(
		fc.tuple(fc.constantFrom("type", "value"), stringOp, value).map(([a, op, v]) => `${a} ${op} ${v}`),
		fc.boolean().map((v) => `primary eq ${v}`),
		fc.constantFrom("value pr", "type pr", "primary pr"),
	);
	const valuePath = fc.oneof(
		fc
			.tuple(emailInner, fc.constantFrom("and", "or"), emailInner)
			.map(([a, op, b]) => `emails[${a} ${op} ${b}]`),
		fc.tuple(emailInner, value).map(([inner, v]) => `emails[${inner}].value eq ${v}`),
		fc
			.tuple(fc.constantFrom(...typePool), fc.constantFrom("91608", "10001"))
			.map(([t, p]) => `addresses[type eq ${str(t)} and not (postalCode ne ${str(p)})]`),
		fc.constantFrom("m1", "m2").map((m) => `manager[value eq ${str(m)}]`),
		emailInner.map(
			(inner) =>
				`name[givenName pr and not (${inner.replace(/^(type|value|primary)/, "givenName").replace(/givenName eq (true|false)/, "givenName pr")})]`,
		),
	);
	const { filter } = fc.letrec<{ filter: string }>((tie) => ({
		filter: fc.oneof(
			{ depthSize: "small", withCrossShrink: true },
			leaf,
			valuePath,
			fc
				.tuple(tie("filter"), fc.constantFrom("and", "or"), tie("filter"))
				.map(([a, op, b]) => `(${a}) ${op} (${b})`),
			tie("filter").map((inner) => `not (${inner})`),
		),
	}));
	return filter;
})();

describe.each(targets)("compileFilter on $name", (target) => {
	let db: Database;
	let table: SQL;
	let schema: string;
	let fields: FieldResolver;
	let close: () => Promise<void>;

	async function ids(filter: string): Promise<string[]> {
		const where = compileFilter(parseFilter(filter), userResourceType, fields);
		const result = await db.execute(sql`SELECT id::text AS id FROM ${table} WHERE ${where} ORDER BY id`);
		const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { id: string }[];
		return rows.map((row) => row.id);
	}

	function expected(filter: string): string[] {
		const node = parseFilter(filter);
		return resources
			.filter((resource) => evaluateFilter(node, resource, userResourceType))
			.map((resource) => resource.id)
			.sort();
	}

	beforeAll(async () => {
		const opened = await target.open();
		schema = opened.schema;
		db = opened.db;
		close = opened.close;
		table = sql.raw(`"${opened.schema}"."users"`);
		fields = fieldsFor(opened.schema);
		await db.execute(
			sql`CREATE TABLE ${table} (id uuid PRIMARY KEY, user_name text NOT NULL, display_name text, external_id text,
				active boolean NOT NULL, created_at timestamptz NOT NULL, attributes jsonb NOT NULL DEFAULT '{}')`,
		);
		await db.execute(sql`CREATE INDEX ON ${table} (lower(user_name))`);
		await db.execute(sql.raw(`CREATE TABLE "${opened.schema}"."member_of" (user_id uuid, group_id text)`));
		for (const resource of resources) {
			const { id, userName, displayName, externalId, active, meta, groups, ...rest } = resource;
			const { created, lastModified } = meta as { created: string; lastModified?: unknown };
			const attributes = { ...rest, ...(lastModified === undefined ? {} : { lastModified }) };
			await db.execute(
				sql`INSERT INTO ${table} VALUES (${id}::uuid, ${userName}, ${displayName ?? null}, ${externalId ?? null},
					${active}::boolean, ${created}::timestamptz, ${JSON.stringify(attributes)}::jsonb)`,
			);
			for (const group of groups as { value: string }[]) {
				await db.execute(
					sql`INSERT INTO ${sql.raw(`"${schema}"."member_of"`)} VALUES (${id}::uuid, ${group.value})`,
				);
			}
		}
	});

	afterAll(async () => {
		await close?.();
	});

	it.each([
		'userName sw "alice"',
		'userName eq "ALICE0"',
		'emails[type eq "work" and primary eq true]',
		'emails[type eq "work"].value co "example"',
		'emails.value ew "_b.net"',
		'displayName co "%"',
		'displayName eq "back\\\\slash"',
		'externalId eq "Ext-1"',
		`${ENTERPRISE_USER_SCHEMA}:department eq "sales"`,
		'manager.value eq "M1"',
		"active eq false and not (emails pr)",
		'meta.created gt "2024-01-01T00:30:00Z"',
		'meta.lastModified le "2024-01-01T00:00:00Z"',
		"title pr",
		"title eq null",
		'title lt "B"',
		'groups.value eq "g2"',
		'groups[value eq "g1" or value eq "g3"]',
	])("agrees with the evaluator on %s", async (filter) => {
		const want = expected(filter);
		expect(await ids(filter)).toEqual(want);
	});

	it("finds what the fixed filters are about (the data is not trivially empty)", async () => {
		expect((await ids("userName pr")).length).toBe(resources.length);
		expect((await ids('emails[type eq "work"]')).length).toBeGreaterThan(0);
		expect((await ids("active eq true")).length).toBeGreaterThan(0);
		expect((await ids('groups.value eq "g1"')).length).toBeGreaterThan(0);
	});

	it("finds a user by id, and a non-uuid id finds nobody without a database error", async () => {
		const first = resources[0]?.id ?? "";
		expect(await ids(`id eq "${first}"`)).toEqual([first]);
		expect(await ids('id eq "not-a-uuid"')).toEqual([]);
		expect((await ids('id ne "not-a-uuid"')).length).toBe(resources.length);
	});

	it("keeps every literal out of the SQL text", async () => {
		const hostile = "x' OR '1'='1";
		const where = compileFilter(
			parseFilter(`userName eq ${JSON.stringify(hostile)}`),
			userResourceType,
			fields,
		);
		const query = new PgDialect().sqlToQuery(where);
		expect(query.sql).not.toContain("OR '1'");
		expect(query.sql).toContain(`lower("${schema}"."users"."user_name") = lower($1::text)`);
		expect(query.params).toContain(hostile);
		expect(await ids(`userName eq ${JSON.stringify(hostile)}`)).toEqual([]);
	});

	it.each([
		['active eq "yes"', "boolean"],
		["meta.created gt 5", "dateTime"],
		['nickName eq "x"', "not supported"],
		['groups[value eq "g1" and value eq "g2"]', 'Only "or"'],
		['groups.display eq "x"', "groups supports"],
		['userName[value eq "x"]', "not a complex"],
	])("rejects %s with invalidFilter before touching the database", (filter, fragment) => {
		let caught: unknown;
		try {
			compileFilter(parseFilter(filter), userResourceType, fields);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(ScimError);
		expect((caught as ScimError).scimType).toBe("invalidFilter");
		expect((caught as ScimError).detail).toContain(fragment);
	});

	it("selects exactly the users the evaluator selects, for random filters", async () => {
		await fc.assert(
			fc.asyncProperty(filterText, async (filter) => {
				expect(await ids(filter)).toEqual(expected(filter));
			}),
			{ numRuns: 200, seed: 20_260_128 },
		);
	});
});
