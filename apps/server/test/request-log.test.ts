import { Writable } from "node:stream";
import type { DatabaseHandle } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.ts";
import { createScimToken } from "../src/connections/scim-tokens.ts";
import { createLogger } from "../src/logger.ts";
import { requireOrganization } from "../src/organizations/organizations.ts";
import { createScimRuntime } from "../src/scim/index.ts";
import { TEST_SECRET, testConfig } from "./helpers.ts";

let db: DatabaseHandle;
let token: string;

beforeAll(async () => {
	db = await createTestDatabase();
	const organization = await requireOrganization(db.db, "default");
	const created = await createScimToken(db.db, {
		organization,
		connectionName: "request-log",
		createdBy: "test",
		secret: TEST_SECRET,
	});
	token = created.token;
});

afterAll(async () => {
	await db.close();
});

/** Runs requests through an app whose logger writes at `level`; returns the request lines as [path, status, level]. */
async function requestLines(level: "info" | "debug", requests: [string, string | undefined][]) {
	const chunks: string[] = [];
	const destination = new Writable({
		write(chunk, _encoding, done) {
			chunks.push(String(chunk));
			done();
		},
	});
	const logger = createLogger({ level, destination });
	const scim = createScimRuntime({ db, logger });
	const app = createApp({ db, config: testConfig(), logger, scim });
	for (const [path, bearer] of requests) {
		await app.request(path, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
	}
	await scim.close();
	return chunks
		.join("")
		.split("\n")
		.filter(Boolean)
		.map((line) => JSON.parse(line) as { msg: string; path: string; status: number; level: number })
		.filter((line) => line.msg === "request")
		.map((line) => [line.path, line.status, line.level === 20 ? "debug" : "info"]);
}

describe("request log", () => {
	const requests: [string, string | undefined][] = [
		["/scim/v2/ServiceProviderConfig", undefined],
		["/scim/v2/ServiceProviderConfig", "rst_scim_not_a_token"],
		["/scim/v2/ServiceProviderConfig", "TOKEN"],
		["/scim/v2/Users/not-a-user", "TOKEN"],
		["/healthz", undefined],
	];
	const withToken = () =>
		requests.map(([path, bearer]): [string, string | undefined] => [
			path,
			bearer === "TOKEN" ? token : bearer,
		]);

	it("logs successful SCIM requests at debug (the provisioning log has them) and everything else at info", async () => {
		expect(await requestLines("debug", withToken())).toEqual([
			["/scim/v2/ServiceProviderConfig", 401, "info"],
			["/scim/v2/ServiceProviderConfig", 401, "info"],
			["/scim/v2/ServiceProviderConfig", 200, "debug"],
			["/scim/v2/Users/not-a-user", 404, "info"],
			["/healthz", 200, "info"],
		]);
	});

	it("leaves successful SCIM requests out at the default info level", async () => {
		const lines = await requestLines("info", withToken());
		expect(lines.map(([path, status]) => `${status} ${path}`)).toEqual([
			"401 /scim/v2/ServiceProviderConfig",
			"401 /scim/v2/ServiceProviderConfig",
			"404 /scim/v2/Users/not-a-user",
			"200 /healthz",
		]);
	});
});
