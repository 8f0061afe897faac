import type { TRPCRouterRecord } from "@trpc/server";

/** The dashboard: activity series, deprovision latency, leavers, tokens near expiry, silent connections. */
export const dashboardRouter = {} satisfies TRPCRouterRecord;
