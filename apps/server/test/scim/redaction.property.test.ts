import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactedJson } from "../../src/scim/provisioning-log.ts";
import { capturedLogger } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

let h: ScimHarness;
let logLines: () => string[];
let existingId: string;
let tables: string[];

beforeAll(async () => {
	const captured = capturedLogger("trace");
	logLines = captured.lines;
	h = await createScimHarness({ logger: captured.logger });
	const created = await h.scim("POST", "/Users", {
		schemas: [USER],
		userName: "redaction.target@example.com",
	});
	existingId = String(created.body?.id);
	const found = await rows<{ name: string }>(
		h.db.db,
		sql`select format('%I.%I', table_schema, table_name) as name from information_schema.tables
			where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
	);
	tables = found.map((table) => table.name);
});

afterAll(async () => {
	await h.close();
});

/** Every row of every table of the test database, as JSON text, that contains `marker`. */
async function storedRowsContaining(marker: string): Promise<string[]> {
	await h.runtime.activity.flush();
	const union = sql.join(
		tables.map((table) => sql.raw(`select row_to_json(t)::text as row from ${table} t`)),
		sql` union all `,
	);
	const found = await rows<{ row: string }>(
		h.db.db,
		sql`select row from (${union}) as everything where strpos(row, ${marker}) > 0`,
	);
	return found.map((entry) => entry.row);
}

function loggedLinesContaining(marker: string): string[] {
	return logLines().filter((line) => line.includes(marker));
}

interface Shape {
	method: "POST" | "PUT" | "PATCH";
	path: string;
	body: unknown;
}

/** Where the secret sits: the attribute's name in every spelling a client may use. */
const passwordKey = fc.oneof(
	fc.mixedCase(fc.constant("password")),
	fc.mixedCase(fc.constant(`${USER}:password`)),
	fc.constant(`${ENTERPRISE}:password`),
	fc.constant("name.password"),
	fc.mixedCase(fc.constant(" password")),
);
const passwordPath = fc.oneof(
	passwordKey,
	fc.constant('password[value eq "x"]'),
	fc.constant("password.value"),
);
/** A PATCH path as sent, including the wrong JSON types a broken client may send. */
const patchPath = fc.oneof(
	passwordPath,
	passwordPath.map((path): unknown => [path]),
	passwordPath.map((path): unknown => ({ attribute: path })),
);

/** The secret itself, as a string or hidden in the wrong JSON types. */
function secretValue(marker: string) {
	return fc.constantFrom<unknown>(marker, [marker], { value: marker }, [{ value: marker, primary: true }], {
		nested: { deeper: [marker] },
	});
}

function userBody(marker: string, userName: string) {
	const secretAt = fc.tuple(passwordKey, secretValue(marker)).map(([key, value]) => ({ [key]: value }));
	return fc
		.tuple(
			secretAt,
			fc.constantFrom("top", "enterprise", "unknown-extension", "name", "emails", "deep-unknown"),
			fc.boolean(),
		)
		.map(([secret, where, withSchemas]) => {
			const body: Record<string, unknown> = { userName };
			if (withSchemas) body.schemas = [USER, ENTERPRISE];
			if (where === "top") Object.assign(body, secret);
			if (where === "enterprise") body[ENTERPRISE] = { department: "R&D", ...secret };
			if (where === "unknown-extension") body["urn:example:params:scim:ext:1.0:User"] = secret;
			if (where === "name") body.name = { givenName: "Red", ...secret };
			if (where === "emails") body.emails = [{ value: userName, ...secret }];
			if (where === "deep-unknown") body.extra = [{ a: { b: [{ c: secret }] } }];
			return body;
		});
}

function patchOperation(marker: string, userName: string) {
	const withPath = fc
		.tuple(
			fc.mixedCase(fc.constantFrom("replace", "add", "remove", "frobnicate")),
			fc.constantFrom("op", "Op"),
			fc.constantFrom("path", "Path", "PATH"),
			fc.constantFrom("value", "Value", "values"),
			patchPath,
			secretValue(marker),
		)
		.map(([op, opKey, pathKey, valueKey, path, value]) => ({
			[opKey]: op,
			[pathKey]: path,
			[valueKey]: value,
		}));
	const extensionPath = fc
		.tuple(fc.mixedCase(fc.constant(ENTERPRISE)), passwordKey, secretValue(marker))
		.map(([path, key, value]) => ({ op: "add", path, value: { department: "R&D", [key]: value } }));
	const pathless = fc
		.tuple(fc.mixedCase(fc.constantFrom("replace", "add")), userBody(marker, userName))
		.map(([op, value]) => ({ op, value }));
	const pathlessArray = pathless.map((operation) => ({ ...operation, value: [operation.value] }));
	return fc.oneof(withPath, extensionPath, pathless, pathlessArray);
}

function patchBody(marker: string, userName: string) {
	return fc
		.tuple(fc.array(patchOperation(marker, userName), { minLength: 1, maxLength: 3 }), fc.boolean())
		.map(([operations, asObject]) => ({
			schemas: [PATCH_OP],
			Operations: asObject ? operations[0] : operations,
		}));
}

function requestShape(marker: string, userName: string): fc.Arbitrary<Shape> {
	const post = userBody(marker, userName).map((body): Shape => ({ method: "POST", path: "/Users", body }));
	const put = userBody(marker, userName).map(
		(body): Shape => ({ method: "PUT", path: `/Users/${existingId}`, body }),
	);
	const patch = patchBody(marker, userName).map(
		(body): Shape => ({ method: "PATCH", path: `/Users/${existingId}`, body }),
	);
	const bulkOperation = fc.oneof(
		userBody(marker, `bulk.${userName}`).map((data) => ({
			method: "POST",
			path: "/Users",
			bulkId: "b1",
			data,
		})),
		userBody(marker, userName).map((data) => ({ method: "PUT", path: `/Users/${existingId}`, data })),
		patchBody(marker, userName).map((data) => ({ method: "PATCH", path: `/Users/${existingId}`, data })),
		patchBody(marker, userName).map((data) => ({ method: "PATCH", path: "/Users/not-a-user", data })),
	);
	const bulk = fc.array(bulkOperation, { minLength: 1, maxLength: 3 }).map(
		(operations): Shape => ({
			method: "POST",
			path: "/Bulk",
			body: { schemas: [BULK_REQUEST], Operations: operations },
		}),
	);
	const group = userBody(marker, userName).map(
		(body): Shape => ({ method: "POST", path: "/Groups", body: { ...body, displayName: userName } }),
	);
	const search = fc.tuple(fc.constantFrom("/Users/.search", "/.search"), passwordPath).map(
		([path, attribute]): Shape => ({
			method: "POST",
			path,
			body: { filter: `${attribute} eq "${marker}"` },
		}),
	);
	const unparsable = fc
		.oneof(post, patch, bulk)
		.map((shape): Shape => ({ ...shape, body: JSON.stringify(shape.body).slice(0, -1) }));
	return fc.oneof(post, put, patch, bulk, group, search, unparsable);
}

describe("secrets written in any shape", () => {
	it("are found by the checks below when written where they belong (the checks can fail)", async () => {
		const marker = "visible-marker-5d1c";
		const reply = await h.scim("POST", "/Users", {
			schemas: [USER],
			userName: "visible@example.com",
			nickName: marker,
		});
		expect(reply.status).toBe(201);
		expect(await storedRowsContaining(marker)).not.toHaveLength(0);
	});

	it.each([
		["PATCH path + value", "PATCH", "user", { op: "replace", path: "password", value: "issue-7-patch-path" }],
		[
			"a path-less PATCH with the URN-qualified key",
			"PATCH",
			"user",
			{ op: "replace", value: { [`${USER}:password`]: "issue-7-pathless-urn" } },
		],
		[
			"a PATCH inside Bulk data",
			"POST",
			"bulk",
			{ op: "replace", path: `${USER}:password`, value: "issue-7-bulk-patch" },
		],
	])("as found in issue 7 (%s) are not stored", async (_, method, target, operation) => {
		const patch = { schemas: [PATCH_OP], Operations: [operation] };
		const reply =
			target === "user"
				? await h.scim(method, `/Users/${existingId}`, patch)
				: await h.scim(method, "/Bulk", {
						schemas: [BULK_REQUEST],
						Operations: [{ method: "PATCH", path: `/Users/${existingId}`, data: patch }],
					});
		expect(reply.status).toBe(200);
		const marker = String(
			(operation.value as Record<string, unknown>)[`${USER}:password`] ?? operation.value,
		);
		expect(await storedRowsContaining(marker)).toEqual([]);
	});

	it("reach neither the database nor the log", async () => {
		let run = 0;
		const markerAndShape = fc
			.tuple(fc.stringMatching(/^[a-z0-9]{10}$/), fc.integer({ min: 0, max: 1_000_000 }))
			.chain(([suffix, n]) => {
				run += 1;
				const marker = `secret-${run}-${suffix}`;
				return requestShape(marker, `redaction.${run}.${n}@example.com`).map((shape) => ({ marker, shape }));
			});
		await fc.assert(
			fc.asyncProperty(markerAndShape, async ({ marker, shape }) => {
				const reply = await h.scim(shape.method, shape.path, shape.body);
				expect(reply.status).toBeLessThan(500);
				expect(reply.text).not.toContain(marker);
				expect(await storedRowsContaining(marker)).toEqual([]);
				expect(loggedLinesContaining(marker)).toEqual([]);
			}),
			{ seed: 7_2026, numRuns: 200 },
		);
	});
});

describe("redactedJson", () => {
	it("keeps a __proto__ key as an ordinary key and redacts inside it", () => {
		const body = JSON.parse('{"__proto__":{"PassWord":"proto-marker","a":1},"b":2}') as unknown;
		expect(JSON.parse(redactedJson(body))).toEqual(
			JSON.parse('{"__proto__":{"PassWord":"[redacted]","a":1},"b":2}'),
		);
	});

	it("redacts a body nested far deeper than any stack without throwing", () => {
		let deep: unknown = { password: "deep-marker" };
		for (let level = 0; level < 200_000; level += 1) deep = [deep];
		const text = redactedJson(deep);
		expect(text).not.toContain("deep-marker");
	});

	it("redacts within the nesting JSON.stringify can write", () => {
		let deep: unknown = { op: "replace", path: "password", value: "deep-marker" };
		for (let level = 0; level < 500; level += 1) deep = { Operations: [deep] };
		const text = redactedJson(deep);
		expect(text).toContain('"value":"[redacted]"');
		expect(text).not.toContain("deep-marker");
	});
});
