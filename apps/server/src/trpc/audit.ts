import { auditChainKeyring } from "@roster/domain";
import { auditListInput, offboardingListInput } from "@roster/domain/inputs/audit";
import type { TRPCRouterRecord } from "@trpc/server";
import { auditChainStatus, verifyAndRecord } from "../audit/chain-status.ts";
import { offboardingPage } from "../audit/offboarding.ts";
import { auditActions, listAuditEvents } from "../audit/viewer.ts";
import { adminProcedure } from "./trpc.ts";

/** The audit trail: filtered pages, chain status, offboarding report. */
export const auditRouter = {
	/** A page of the organization's audit events, newest first, filtered by action, actor, entity, connection, time. */
	list: adminProcedure
		.input(auditListInput)
		.query(({ ctx, input }) => listAuditEvents(ctx.db, ctx.organization.id, input)),

	/** The distinct actions of the trail, for the viewer's filter picker. */
	actions: adminProcedure.query(({ ctx }) => auditActions(ctx.db, ctx.organization.id)),

	/** The chain's head, unsealed count, key version and the last full verification (cheap: no event is re-hashed). */
	chainStatus: adminProcedure.query(({ ctx }) =>
		auditChainStatus(ctx.db, ctx.organization.id, auditChainKeyring(ctx.config.secret)),
	),

	/** Verifies the whole chain now and records the result (reads every event: see decision 0165). */
	verify: adminProcedure.mutation(({ ctx }) =>
		verifyAndRecord(ctx.db, ctx.organization, ctx.actor, auditChainKeyring(ctx.config.secret)),
	),

	/** A page of the offboarding report (per leaver), newest first, with the window's p50/p99 latency. */
	offboarding: adminProcedure.input(offboardingListInput).query(({ ctx, input }) =>
		offboardingPage(ctx.db, ctx.organization.id, {
			since: input.since === undefined ? undefined : new Date(input.since),
			cursor: input.cursor,
			limit: input.limit,
		}),
	),
} satisfies TRPCRouterRecord;
