import { meAccessInput } from "@roster/domain/inputs/me";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { consoleIdleEnd } from "../sessions/sessions.ts";
import { readMyAccess } from "../users/my-access.ts";
import { protectedProcedure } from "./trpc.ts";

/** "My access": any signed-in user's own access, whatever their tier. */
export const meRouter = {
	/**
	 * The caller's tier, project roles, groups and the reason for every grant, read from the stored decision
	 * as of this request (`readAt`), and when the session ends. No input: always the session's own user.
	 */
	access: protectedProcedure.input(meAccessInput).query(async ({ ctx }) => {
		const readAt = new Date();
		const access = await readMyAccess(ctx.db, {
			organizationId: ctx.session.organizationId,
			userId: ctx.session.userId,
		});
		if (!access) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
		return {
			...access,
			readAt: readAt.toISOString(),
			session: {
				expiresAt: ctx.session.expiresAt.toISOString(),
				idleExpiresAt: consoleIdleEnd(ctx.session).toISOString(),
			},
		};
	}),
} satisfies TRPCRouterRecord;
