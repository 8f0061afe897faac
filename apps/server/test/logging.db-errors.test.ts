import { rows } from "@roster/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializeError } from "../src/logger.ts";
import { capturedLogger } from "./helpers.ts";
import { createScimHarness, type ScimHarness } from "./scim/harness.ts";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

interface LoggedError {
	type: string;
	message: string;
	stack?: string;
	code?: string;
	constraint?: string;
	cause?: LoggedError;
}

let h: ScimHarness;
let lines: () => string[];

beforeAll(async () => {
	const captured = capturedLogger("trace");
	lines = captured.lines;
	h = await createScimHarness({ logger: captured.logger });
});

afterAll(async () => {
	await h.close();
});

function loggedError(msg: string): LoggedError | undefined {
	const entry = lines()
		.map((line) => JSON.parse(line) as { msg: string; err?: LoggedError })
		.findLast((line) => line.msg === msg);
	return entry?.err;
}

async function failingQuery(query: ReturnType<typeof sql>): Promise<unknown> {
	try {
		await h.db.db.execute(query);
	} catch (error) {
		return error;
	}
	throw new Error("the query was expected to fail");
}

describe("database errors in the log", () => {
	it("carry no query parameters when a provisioning-log flush fails, and the batch is retried", async () => {
		const marker = "flush-marker-7f3a";
		const reply = await h.scim("POST", "/Users", { schemas: [USER], userName: `${marker}@example.com` });
		expect(reply.status).toBe(201);
		await h.db.db.execute(sql`alter table provisioning_log rename to provisioning_log_away`);
		try {
			await h.runtime.activity.flush();
		} finally {
			await h.db.db.execute(sql`alter table provisioning_log_away rename to provisioning_log`);
		}

		expect(lines().join("\n")).not.toContain(marker);
		const err = loggedError("provisioning log write failed; will retry");
		expect(err?.message).toMatch(/^Failed query: with logged as \(\s*insert into provisioning_log/);
		expect(err?.message).not.toContain("params");
		expect(err?.stack).toMatch(
			/^Error: Failed query: with logged as \(\s*insert into provisioning_log[\s\S]*\n\s+at /,
		);
		expect(err?.cause?.code).toBe("42P01");

		await h.runtime.activity.flush();
		const [kept] = await rows<{ n: number }>(
			h.db.db,
			sql`select count(*)::int as n from provisioning_log where request_id = ${reply.headers.get("x-request-id")}`,
		);
		expect(kept?.n).toBe(1);
	});

	it("carry neither the row PostgreSQL quotes in `detail` nor the parameters of a refused insert", async () => {
		const marker = "unique-marker-91c2";
		const insert = sql`insert into organizations (slug, name) values (${marker}, ${marker})`;
		await h.db.db.execute(insert);
		const error = await failingQuery(insert);
		expect(
			JSON.stringify((error as Error).cause, Object.getOwnPropertyNames((error as Error).cause)),
		).toContain(marker);
		const { logger, lines: captured } = capturedLogger();
		logger.error({ err: error }, "write failed");

		const output = captured().join("\n");
		expect(output).not.toContain(marker);
		const err = (JSON.parse(captured()[0] ?? "{}") as { err?: LoggedError }).err;
		expect(err?.message).toMatch(/^Failed query: insert into organizations/);
		expect(err?.cause).toMatchObject({ code: "23505", constraint: expect.stringContaining("slug") });
		expect(err?.cause?.message).toMatch(/duplicate key value violates unique constraint/);
	});

	it("carry no value quoted by an invalid input syntax error", async () => {
		const marker = "syntax-marker-44d0";
		const error = await failingQuery(sql`select ${marker}::uuid`);
		const { logger, lines: captured } = capturedLogger();
		logger.warn(error, "query failed");

		expect(captured().join("\n")).not.toContain(marker);
		const err = (JSON.parse(captured()[0] ?? "{}") as { err?: LoggedError }).err;
		expect(err?.cause).toMatchObject({ code: "22P02", message: "invalid input syntax for type uuid" });
	});

	it("carry no request data when a SCIM request fails on the database", async () => {
		const marker = "request-marker-0b7e";
		await h.db.db.execute(sql`alter table users rename to users_away`);
		let status: number;
		try {
			status = (await h.scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${marker}"`)}`)).status;
		} finally {
			await h.db.db.execute(sql`alter table users_away rename to users`);
		}

		expect(status).toBe(500);
		expect(lines().join("\n")).not.toContain(marker);
		expect(loggedError("unhandled error")?.cause?.code ?? loggedError("SCIM error")?.cause?.code).toBe(
			"42P01",
		);
	});
});

describe("serializeError", () => {
	it("keeps only what names the failure, along a bounded cause chain and an AggregateError's errors", () => {
		const marker = "field-marker-c3d9";
		const driverError = Object.assign(new Error(`violates check constraint\nparams: ${marker}`), {
			code: "23514",
			constraint_name: "users_name_check",
			table_name: "users",
			detail: `Failing row contains (${marker}).`,
			where: `PL/pgSQL function with ${marker}`,
			parameters: [marker],
			query: `select '${marker}'`,
			body: { userName: marker },
		});
		let chain: Error = driverError;
		for (let level = 0; level < 8; level += 1) chain = new Error(`level ${level}`, { cause: chain });
		const serialized = serializeError(new AggregateError([driverError, chain], "connect failed"));

		expect(JSON.stringify(serialized)).not.toContain(marker);
		expect(serialized.errors?.[0]).toMatchObject({
			message: "violates check constraint",
			code: "23514",
			constraint: "users_name_check",
			table: "users",
		});
		let depth = 0;
		for (let link = serialized.errors?.[1]?.cause; link; link = link.cause) depth += 1;
		expect(depth).toBe(5);
	});
});
