import { randomUUID } from "node:crypto";
import { eq, getTableColumns } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type NewUser,
	observeStatements,
	organizations,
	reusableStatement,
	type User,
	users,
} from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";
import type { DatabaseHandle } from "../src/types.ts";

const onPostgres = process.env.TEST_DATABASE_URL !== undefined;

type NewRow = Required<Pick<NewUser, "id" | "orgId" | "userName" | "email" | "deactivatedAt" | "attributes">>;

let builds = 0;
const insertUser = reusableStatement<NewRow, User>(
	"roster_test_reusable_insert_user",
	["id", "orgId", "userName", "email", "deactivatedAt", "attributes"],
	(db, values) => {
		builds++;
		return db.insert(users).values(values).returning();
	},
	getTableColumns(users),
);

const renameUser = reusableStatement<{ id: string; userName: string }, { id: string; userName: string }>(
	"roster_test_reusable_rename_user",
	["id", "userName"],
	(db, values) =>
		db
			.update(users)
			.set({ userName: values.userName as never })
			.where(eq(users.id, values.id))
			.returning({ id: users.id, userName: users.userName }),
	{ id: users.id, userName: users.userName },
);

describe("reusable statements", () => {
	let handle: DatabaseHandle;
	let orgId: string;

	beforeAll(async () => {
		handle = await createTestDatabase();
		const [org] = await handle.db
			.insert(organizations)
			.values({ slug: `reusable-${randomUUID().slice(0, 8)}`, name: "Reusable" })
			.returning();
		orgId = org?.id ?? "";
	});
	afterAll(async () => {
		await handle.close();
	});

	function row(overrides: Partial<NewRow> = {}): NewRow {
		return {
			id: randomUUID(),
			orgId,
			userName: `u-${randomUUID()}@example.test`,
			email: null,
			deactivatedAt: null,
			attributes: { nested: { value: 1 } },
			...overrides,
		};
	}

	it("builds its text once and runs it on the database and in transactions, with each column's encoder", async () => {
		const deactivatedAt = new Date("2026-01-02T03:04:05.000Z");
		const [outside] = await insertUser.run(handle.db, row({ email: "a@example.test", deactivatedAt }));
		expect(outside).toMatchObject({ orgId, email: "a@example.test", deactivatedAt, isActive: true });
		expect(outside?.attributes).toEqual({ nested: { value: 1 } });
		const inside = await handle.db.transaction(async (tx) => {
			const [created] = await insertUser.run(tx, row());
			const [renamed] = await renameUser.run(tx, { id: created?.id ?? "", userName: "renamed@example.test" });
			return renamed;
		});
		expect(inside?.userName).toBe("renamed@example.test");
		expect(builds).toBe(1);
	});

	it("rolls back with its transaction", async () => {
		const values = row();
		await expect(
			handle.db.transaction(async (tx) => {
				await insertUser.run(tx, values);
				throw new Error("abort");
			}),
		).rejects.toThrow("abort");
		expect(await handle.db.select().from(users).where(eq(users.id, values.id))).toEqual([]);
	});

	it("refuses a value it has no placeholder for, and a missing value, instead of dropping or defaulting it", async () => {
		const extra = { ...row(), displayName: "dropped?" } as NewRow;
		await expect(insertUser.run(handle.db, extra)).rejects.toThrow(/no placeholder for "displayName"/);
		const { email: _email, ...missing } = row();
		await expect(insertUser.run(handle.db, missing as NewRow)).rejects.toThrow(/needs a value for "email"/);
	});

	if (onPostgres)
		it("is sent as a named prepared statement from its first use", async () => {
			const countUsers = reusableStatement<{ orgId: string }, { id: string }>(
				"roster_test_reusable_org_users",
				["orgId"],
				(db, values) => db.select({ id: users.id }).from(users).where(eq(users.orgId, values.orgId)),
				{ id: users.id },
			);
			const seen: boolean[] = [];
			const stop = observeStatements(handle, ({ text, prepared }) => {
				if (text.startsWith('select "id" from "users" where "users"."org_id" = $1')) seen.push(prepared);
			});
			try {
				const first = await countUsers.run(handle.db, { orgId });
				const second = await handle.db.transaction((tx) => countUsers.run(tx, { orgId }));
				expect(second).toEqual(first);
				expect(first.length).toBeGreaterThan(0);
			} finally {
				stop();
			}
			expect(seen).toEqual([true, true]);
		});
});
