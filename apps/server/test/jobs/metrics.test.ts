import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECOMPUTE_JOB } from "../../src/access/recompute-job.ts";
import { claimJob, enqueueJob } from "../../src/jobs/queue.ts";
import { parseExposition, type Sample } from "../metrics/exposition.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789abcdef";
let h: ScimHarness;

beforeAll(async () => {
	h = await createScimHarness({ config: { metricsToken: METRICS_TOKEN } });
});
afterAll(async () => {
	await h.close();
});

async function depth(): Promise<Sample[]> {
	const res = await h.app.request("/metrics", { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
	expect(res.status).toBe(200);
	const scraped = parseExposition(await res.text());
	expect(scraped.types.get("roster_job_queue_depth")).toBe("gauge");
	return scraped.samples.filter((sample) => sample.name === "roster_job_queue_depth");
}

function count(samples: Sample[], kind: string, status: string): number | undefined {
	return samples.find((s) => s.labels.kind === kind && s.labels.status === status)?.value;
}

describe("roster_job_queue_depth", () => {
	it("reads 0 for every kind when idle, then counts queued and running jobs", async () => {
		const idle = await depth();
		expect(count(idle, RECOMPUTE_JOB, "queued")).toBe(0);
		expect(count(idle, RECOMPUTE_JOB, "running")).toBe(0);

		for (let i = 0; i < 3; i += 1)
			await enqueueJob(h.db.db, { kind: RECOMPUTE_JOB, orgId: h.organization.id });
		await claimJob(h.db.db, "metrics-test", [RECOMPUTE_JOB]);
		const busy = await depth();
		expect(count(busy, RECOMPUTE_JOB, "queued")).toBe(2);
		expect(count(busy, RECOMPUTE_JOB, "running")).toBe(1);
	});
});
