import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECOMPUTE_JOB } from "../../src/access/recompute-job.ts";
import { enqueueJob } from "../../src/jobs/queue.ts";
import { type ConsoleHarness, createConsoleHarness } from "../trpc/harness.ts";

let h: ConsoleHarness;
beforeAll(async () => {
	h = await createConsoleHarness();
});
afterAll(async () => {
	await h?.close();
});

async function refusal(call: Promise<unknown>): Promise<string | undefined> {
	try {
		await call;
	} catch (error) {
		if (error instanceof TRPCClientError) return (error.data as { code?: string } | undefined)?.code;
		throw error;
	}
	return undefined;
}

describe("jobs.list and jobs.get", () => {
	it("show an administrator their organization's jobs with progress, never another tenant's", async () => {
		const ours = await h.adminOf("jobs-ours");
		const theirs = await h.adminOf("jobs-theirs");
		const job = await enqueueJob(h.db.db, {
			kind: RECOMPUTE_JOB,
			orgId: ours.organization.id,
			total: 40,
			createdBy: "ada@console",
			payload: { scope: { organization: true } },
		});
		const foreign = await enqueueJob(h.db.db, { kind: RECOMPUTE_JOB, orgId: theirs.organization.id });

		const listed = await ours.client.jobs.list.query();
		expect(listed.map((found) => found.id)).toEqual([job?.id]);
		expect(listed[0]).toMatchObject({
			kind: RECOMPUTE_JOB,
			status: "queued",
			done: 0,
			total: 40,
			error: null,
		});
		expect(listed[0]).not.toHaveProperty("payload");
		expect(typeof listed[0]?.createdAt).toBe("string");
		expect(await ours.client.jobs.get.query({ id: job?.id as string })).toMatchObject({
			id: job?.id,
			total: 40,
		});

		expect(await refusal(ours.client.jobs.get.query({ id: foreign?.id as string }))).toBe("NOT_FOUND");
		expect(await refusal(ours.client.jobs.get.query({ id: "not-a-job" }))).toBe("NOT_FOUND");
		expect((await theirs.client.jobs.list.query()).map((found) => found.id)).toEqual([foreign?.id]);
		const member = await h.memberOf("jobs-ours");
		expect(await refusal(member.client.jobs.list.query())).toBe("FORBIDDEN");
		expect(await refusal(ours.client.jobs.list.query({ limit: 0 }))).toBe("BAD_REQUEST");
	});
});
