import { observeStatements, rows, type StatementObserver } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimHarness, type ScimHarness } from "./harness.ts";

let h: ScimHarness;
beforeAll(async () => {
	h = await createScimHarness({ idpKind: "okta" });
});
afterAll(async () => {
	await h.close();
});

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

function oktaUser(userName: string) {
	return {
		schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
		userName,
		externalId: `ext-${userName}`,
		name: { givenName: "Given", familyName: "Family" },
		emails: [{ primary: true, value: userName, type: "work" }],
		active: true,
	};
}

const deactivate = {
	schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
	Operations: [{ op: "replace", value: { active: false } }],
};

interface Trip {
	connection: number;
	statements: string[];
}

/**
 * Round trips the statements of `request` cost, per connection: statements a connection is handed in one
 * turn of the event loop go out in one socket write (postgres-js flushes on `setImmediate`) and wait for
 * one answer; a statement with parameters that is not prepared costs one more (Parse/Describe first).
 */
async function roundTrips(request: () => Promise<unknown>): Promise<{ trips: Trip[]; unprepared: string[] }> {
	const trips: Trip[] = [];
	const unprepared: string[] = [];
	const open = new Map<number, Trip>();
	const observer: StatementObserver = ({ connection, text, prepared, parameters }) => {
		if (!prepared && parameters > 0) unprepared.push(text);
		let trip = open.get(connection);
		if (!trip) {
			trip = { connection, statements: [] };
			trips.push(trip);
			open.set(connection, trip);
			setImmediate(() => open.delete(connection));
		}
		trip.statements.push(text.slice(0, 40));
	};
	const stop = observeStatements(h.db, observer);
	try {
		await request();
	} finally {
		stop();
	}
	return { trips, unprepared };
}

/** The round trips of the write's transaction: those of the connection that began it, from its `begin`. */
function transactionTrips(trips: Trip[]): Trip[] {
	const start = trips.findIndex((trip) => trip.statements[0]?.startsWith("begin"));
	const connection = trips[start]?.connection;
	return trips.slice(start).filter((trip) => trip.connection === connection);
}

if (onPostgres)
	describe("round trips per SCIM write on PostgreSQL", () => {
		it("POST /Users: every statement prepared; begin, the tombstone lookup, the user row and its audit event in one round trip", async () => {
			for (let i = 0; i < 12; i++)
				expect((await h.scim("POST", "/Users", oktaUser(`warm${i}@example.com`))).status).toBe(201);
			const { trips, unprepared } = await roundTrips(async () => {
				expect((await h.scim("POST", "/Users", oktaUser("measured@example.com"))).status).toBe(201);
			});
			expect(unprepared).toEqual([]);
			const pipelined = trips.find((trip) => trip.statements.length > 1);
			expect(pipelined?.statements.map((text) => text.slice(0, 20)).sort()).toEqual([
				"begin",
				'insert into "audit_e',
				'insert into "users" ',
				"savepoint new_user",
				'select "id", "org_id',
			]);
			// begin + tombstone lookup + savepoint + user + audit insert, commit (it was 8 with unnamed
			// statements, 3 while begin waited for its answer)
			expect(transactionTrips(trips).map((trip) => trip.statements.length)).toEqual([5, 1]);
		});

		it("deprovision PATCH: begin, lock, groups and held roles together, then the update, the roles and the audit event that ends the sessions", async () => {
			const ids: string[] = [];
			for (let i = 0; i < 12; i++) {
				const res = await h.scim("POST", "/Users", oktaUser(`leaver${i}@example.com`));
				ids.push(res.body?.id as string);
			}
			for (const id of ids.slice(0, 11))
				expect((await h.scim("PATCH", `/Users/${id}`, deactivate)).status).toBe(200);
			const { trips, unprepared } = await roundTrips(async () => {
				expect((await h.scim("PATCH", `/Users/${ids[11]}`, deactivate)).status).toBe(200);
			});
			expect(unprepared).toEqual([]);
			const lock = trips.find((trip) =>
				trip.statements.some((text) => text.startsWith('select "id", "org_id"')),
			);
			expect(lock?.statements).toHaveLength(4);
			expect(lock?.statements[0]).toBe("begin");
			expect(lock?.statements[2]).toMatch(/^select "groups"/);
			// The roles held before the write, for the event's `projectRoles` old and new.
			expect(lock?.statements[3]).toMatch(/^select "user_project_roles"/);
			// begin + lock + groups + roles, update + audit ending the sessions, commit (16 with unnamed
			// statements, 4 while begin waited for its answer); a user who held no project role and is
			// granted none sends no project-role statement
			const inTransaction = transactionTrips(trips);
			expect(inTransaction.map((trip) => trip.statements.length)).toEqual([4, 2, 1]);
			expect(inTransaction[1]?.statements).toContainEqual(
				expect.stringMatching(/^with "ended" as \(delete from "sessions"/),
			);
		});
	});

describe("a pipelined user write that fails", () => {
	it("a userName collision is 409 uniqueness, writes no user and no audit event, on every driver", async () => {
		const first = await h.scim("POST", "/Users", oktaUser("twin@example.com"));
		expect(first.status).toBe(201);
		const auditBefore = await rows<{ n: number }>(h.db.db, sql`select count(*)::int as n from audit_events`);
		const second = await h.scim("POST", "/Users", {
			...oktaUser("TWIN@example.com"),
			externalId: "ext-other",
		});
		expect(second.status).toBe(409);
		expect(second.body).toMatchObject({ scimType: "uniqueness" });
		const found = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from users where lower(user_name) = 'twin@example.com'`,
		);
		expect(found[0]?.n).toBe(1);
		const auditAfter = await rows<{ n: number }>(h.db.db, sql`select count(*)::int as n from audit_events`);
		expect(auditAfter[0]?.n).toBe(auditBefore[0]?.n);
		const next = await h.scim("POST", "/Users", oktaUser("after-twin@example.com"));
		expect(next.status).toBe(201);
	});
});
