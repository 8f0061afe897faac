import type { TRPCRouterRecord } from "@trpc/server";

/** SSO & provisioning: IdP connections, their tokens, presets and health. */
export const connectionsRouter = {} satisfies TRPCRouterRecord;
