import { activityInput, recentLeaversInput } from "@roster/domain/inputs/dashboard";
import type { TRPCRouterRecord } from "@trpc/server";
import { activitySeries } from "../audit/activity-series.ts";
import { recentLeavers } from "../audit/recent-leavers.ts";
import { adminProcedure } from "./trpc.ts";

/** The dashboard: activity series, deprovision latency, leavers, tokens near expiry, silent connections. */
export const dashboardRouter = {
	/** Requests, errors, creates and deprovisions per connection over a window, from the hourly rollup. */
	activity: adminProcedure
		.input(activityInput)
		.query(({ ctx, input }) => activitySeries(ctx.db, ctx.organization.id, input.range)),

	/** The latest deprovisioned or deleted users with how long their access took to end. */
	recentLeavers: adminProcedure
		.input(recentLeaversInput)
		.query(({ ctx, input }) => recentLeavers(ctx.db, ctx.organization.id, input.limit)),
} satisfies TRPCRouterRecord;
