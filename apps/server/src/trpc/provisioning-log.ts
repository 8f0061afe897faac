import { provisioningLogGetInput, provisioningLogListInput } from "@roster/domain/inputs/provisioning-log";
import type { TRPCRouterRecord } from "@trpc/server";
import { getProvisioningLogEntry, listProvisioningLog } from "../audit/provisioning-log.ts";
import { adminProcedure } from "./trpc.ts";

/** The provisioning log: every SCIM request, filtered, with explanations. */
export const provisioningLogRouter = {
	/** A page of the organization's SCIM requests, newest first, without bodies. */
	list: adminProcedure
		.input(provisioningLogListInput)
		.query(({ ctx, input }) => listProvisioningLog(ctx.db, ctx.organization.id, input)),

	/** One request with its redacted bodies and the explanation and likely fix of its error. */
	get: adminProcedure
		.input(provisioningLogGetInput)
		.query(({ ctx, input }) => getProvisioningLogEntry(ctx.db, ctx.organization.id, input.id)),
} satisfies TRPCRouterRecord;
