import { signInInput } from "@roster/domain/inputs/session";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { consoleIdleEnd, endSession } from "../sessions/sessions.ts";
import { type SignInRefusal, signIn } from "../sessions/sign-in.ts";
import { protectedProcedure, publicProcedure, RefusalFacts } from "./trpc.ts";

/** The one answer to every wrong email/password combination, so it never tells which part was wrong. */
export const WRONG_CREDENTIALS = "Wrong email or password";

/** `HH:MM UTC`, the time a lockout ends, for a message read by people. */
function clockTime(at: Date): string {
	return `${at.toISOString().slice(11, 16)} UTC`;
}

/** The refusal the console shows for each reason a sign-in failed. */
function refusalError(refusal: SignInRefusal, now: Date): TRPCError {
	switch (refusal.reason) {
		case "wrong_credentials":
			return new TRPCError({ code: "UNAUTHORIZED", message: WRONG_CREDENTIALS });
		case "locked":
			return new TRPCError({
				code: "UNAUTHORIZED",
				cause: new RefusalFacts({ reason: "locked", retryAt: refusal.until.toISOString() }),
				message: `This account is locked after too many failed sign-ins; try again after ${clockTime(refusal.until)} or ask an operator to run \`roster admin unlock\``,
			});
		case "throttled": {
			const minutes = Math.max(1, Math.ceil((refusal.until.getTime() - now.getTime()) / 60_000));
			return new TRPCError({
				code: "TOO_MANY_REQUESTS",
				cause: new RefusalFacts({ reason: "throttled", retryAt: refusal.until.toISOString() }),
				message: `Too many failed sign-ins from your network; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
			});
		}
	}
}

/** The console's own session: sign in, who it is acting as, sign out. */
export const sessionRouter = {
	/** Who is signed in, and when the session ends: `expiresAt` at the latest, `idleExpiresAt` if unused. */
	me: protectedProcedure.query(({ ctx }) => ({
		userId: ctx.session.userId,
		userName: ctx.session.userName,
		tier: ctx.session.tier,
		expiresAt: ctx.session.expiresAt.toISOString(),
		idleExpiresAt: consoleIdleEnd(ctx.session).toISOString(),
	})),

	/** Checks email and password and sets the `roster_session` cookie; the token itself is never in the answer. */
	signIn: publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
		const now = new Date();
		const result = await signIn(ctx.db, {
			email: input.email,
			password: input.password,
			secret: ctx.config.secret,
			ip: ctx.client.ip,
			userAgent: ctx.client.userAgent,
			now,
		});
		if (!result.ok) throw refusalError(result, now);
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
