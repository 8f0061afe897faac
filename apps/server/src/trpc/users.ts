import type { TRPCRouterRecord } from "@trpc/server";

/** Users: search, a user's page with the reason for every grant, their sessions. */
export const usersRouter = {} satisfies TRPCRouterRecord;
