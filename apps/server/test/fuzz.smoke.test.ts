import { scimConnections } from "@roster/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unthrottleConnection } from "../bench/database.ts";
import { caseKinds, generateCase } from "../fuzz/cases.ts";
import { createFixtures } from "../fuzz/fixtures.ts";
import type { Fixtures } from "../fuzz/request.ts";
import { runCases } from "../fuzz/runner.ts";
import { FuzzTally } from "../fuzz/tally.ts";
import { appTransport } from "../fuzz/transports.ts";
import { createScimHarness, type ScimHarness } from "./scim/harness.ts";

/** A few hundred cases of `pnpm fuzz`'s generators, every kind, through `app.request()`. */
const SMOKE_CASES = 300;
const SMOKE_SEED = 7_2026;

let harness: ScimHarness;
let fixtures: Fixtures;

beforeAll(async () => {
	harness = await createScimHarness();
	for (const connection of await harness.db.db.select({ id: scimConnections.id }).from(scimConnections)) {
		await unthrottleConnection(harness.db.db, connection.id);
	}
	fixtures = await createFixtures(appTransport(harness.app), harness.token);
});

afterAll(async () => {
	await harness?.close();
});

describe("fuzz smoke run (the generators and oracle of pnpm fuzz)", () => {
	it("rebuilds the same request from a seed and case number, so any case replays alone", () => {
		for (const index of [0, 7, 1234, 99_999]) {
			expect(generateCase(SMOKE_SEED, index)).toEqual(generateCase(SMOKE_SEED, index));
		}
		const requests = new Set(
			Array.from({ length: 20 }, (_, seed) => JSON.stringify(generateCase(seed, 1).request)),
		);
		expect(requests.size).toBeGreaterThan(15);
	});

	it(`answers ${SMOKE_CASES} hostile requests of every kind below 500, with SCIM errors and no stack traces`, async () => {
		const tally = new FuzzTally();
		const kindsSeen = new Set<string>();
		await runCases({
			seed: SMOKE_SEED,
			from: 0,
			to: SMOKE_CASES,
			concurrency: 1,
			fixtures,
			send: appTransport(harness.app),
			// Time is judged only against the real server (pnpm fuzz); tests assert no durations.
			deadlineMs: Number.POSITIVE_INFINITY,
			onOutcome: (outcome) => {
				kindsSeen.add(outcome.kind);
				tally.add(outcome);
			},
		});
		expect([...kindsSeen].sort()).toEqual([...caseKinds].sort());
		expect(tally.cases).toBe(SMOKE_CASES);
		expect(Object.fromEntries(tally.failures), tally.render(SMOKE_SEED, 1).join("\n")).toEqual({});
	});
});
