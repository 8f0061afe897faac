import { settingsChange, settingsOf } from "@roster/domain/inputs/settings";
import type { TRPCRouterRecord } from "@trpc/server";
import { configureOrganization } from "../organizations/settings.ts";
import { adminProcedure } from "./trpc.ts";

/** Organization settings, validated by the same schema as the CLI's `org set`. */
export const settingsRouter = {
	/** The administrator's organization's current settings. */
	get: adminProcedure.query(({ ctx }) => settingsOf(ctx.organization)),

	/**
	 * Saves the given settings in one audited transaction; a change that feeds role resolution recomputes
	 * everyone's access there too, and the answer says how many users that touched.
	 */
	update: adminProcedure.input(settingsChange).mutation(async ({ ctx, input }) => {
		const result = await configureOrganization(ctx.db, {
			organization: ctx.organization,
			change: input,
			actor: ctx.actor,
		});
		return {
			settings: settingsOf(result.organization),
			usersRecomputed: result.usersRecomputed,
			usersChanged: result.usersChanged,
		};
	}),
} satisfies TRPCRouterRecord;
