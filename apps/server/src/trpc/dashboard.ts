import { activityInput, activityRanges, recentLeaversInput } from "@roster/domain/inputs/dashboard";
import type { TRPCRouterRecord } from "@trpc/server";
import { activitySeries } from "../audit/activity-series.ts";
import { offboardingLatency } from "../audit/offboarding.ts";
import { recentLeavers } from "../audit/recent-leavers.ts";
import { adminProcedure } from "./trpc.ts";

/** The dashboard: activity series, deprovision latency, leavers, tokens near expiry, silent connections. */
export const dashboardRouter = {
	/** Requests, errors, creates and deprovisions per connection over a window, from the hourly rollup. */
	activity: adminProcedure
		.input(activityInput)
		.query(({ ctx, input }) => activitySeries(ctx.db, ctx.organization.id, input.range)),

	/** p50/p99 seconds from the IdP's deprovision request to the end of access, over the same window. */
	deprovisionLatency: adminProcedure.input(activityInput).query(({ ctx, input }) => {
		const since = new Date(Date.now() - activityRanges[input.range].hours * 3_600_000);
		return offboardingLatency(ctx.db, ctx.organization.id, since);
	}),

	/** The latest deprovisioned or deleted users with how long their access took to end. */
	recentLeavers: adminProcedure
		.input(recentLeaversInput)
		.query(({ ctx, input }) => recentLeavers(ctx.db, ctx.organization.id, input.limit)),
} satisfies TRPCRouterRecord;
