import type { TRPCRouterRecord } from "@trpc/server";

/** The provisioning log: every SCIM request, filtered, with explanations. */
export const provisioningLogRouter = {} satisfies TRPCRouterRecord;
