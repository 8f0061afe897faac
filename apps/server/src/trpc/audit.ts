import type { TRPCRouterRecord } from "@trpc/server";

/** The audit trail: filtered pages, chain status, offboarding report. */
export const auditRouter = {} satisfies TRPCRouterRecord;
