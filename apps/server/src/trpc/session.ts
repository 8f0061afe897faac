import type { TRPCRouterRecord } from "@trpc/server";
import { protectedProcedure } from "./trpc.ts";

/** The signed-in user's own session: who the console is acting as. */
export const sessionRouter = {
	me: protectedProcedure.query(({ ctx }) => ({
		userId: ctx.session.userId,
		userName: ctx.session.userName,
		tier: ctx.session.tier,
		expiresAt: ctx.session.expiresAt.toISOString(),
	})),
} satisfies TRPCRouterRecord;
