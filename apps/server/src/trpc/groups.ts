import type { TRPCRouterRecord } from "@trpc/server";

/** Groups: search, members, the mappings that use them. */
export const groupsRouter = {} satisfies TRPCRouterRecord;
