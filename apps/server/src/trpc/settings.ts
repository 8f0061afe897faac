import type { TRPCRouterRecord } from "@trpc/server";

/** Organization settings, validated like the CLI. */
export const settingsRouter = {} satisfies TRPCRouterRecord;
