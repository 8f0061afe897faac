import { signInInput } from "@roster/domain/inputs/session";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { endSession } from "../sessions/sessions.ts";
import { signIn } from "../sessions/sign-in.ts";
import { protectedProcedure, publicProcedure } from "./trpc.ts";

/** The one answer to every wrong email/password combination, so it never tells which part was wrong. */
export const WRONG_CREDENTIALS = "Wrong email or password";

/** The console's own session: sign in, who it is acting as, sign out. */
export const sessionRouter = {
	me: protectedProcedure.query(({ ctx }) => ({
		userId: ctx.session.userId,
		userName: ctx.session.userName,
		tier: ctx.session.tier,
		expiresAt: ctx.session.expiresAt.toISOString(),
	})),

	/** Checks email and password and sets the `roster_session` cookie; the token itself is never in the answer. */
	signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
		const result = await signIn(ctx.db, {
			email: input.email,
			password: input.password,
			secret: ctx.config.secret,
			ip: ctx.client.ip,
			userAgent: ctx.client.userAgent,
		});
		if (!result.ok) throw new TRPCError({ code: "UNAUTHORIZED", message: WRONG_CREDENTIALS });
		ctx.sessionCookie.set(result.token, result.session.expiresAt);
		return {
			userName: result.user.userName,
			tier: result.user.tier,
			expiresAt: result.session.expiresAt.toISOString(),
		};
	}),

	/** Ends the presented session (its row is deleted, so the token is dead everywhere) and clears the cookie. */
	signOut: protectedProcedure.mutation(async ({ ctx }) => {
		await endSession(ctx.db, ctx.session.sessionId);
		ctx.sessionCookie.clear();
		return { signedOut: true };
	}),
} satisfies TRPCRouterRecord;
