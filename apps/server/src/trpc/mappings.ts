import type { TRPCRouterRecord } from "@trpc/server";

/** Role mappings and their impact preview. */
export const mappingsRouter = {} satisfies TRPCRouterRecord;
