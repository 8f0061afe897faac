import type { AccessTier, DatabaseHandle } from "@roster/db";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Config } from "../env.ts";
import type { Logger } from "../logger.ts";

/** The signed-in user behind a request, read from their session row on every request. */
export interface ConsoleSession {
	sessionId: string;
	userId: string;
	organizationId: string;
	userName: string;
	tier: AccessTier;
	expiresAt: Date;
}

/** What every tRPC procedure receives; built per request by `createApp` (a type alias so it fits the adapter's record type). */
export type TrpcContext = {
	db: DatabaseHandle["db"];
	config: Config;
	logger: Logger;
	requestId: string;
	session: ConsoleSession | null;
};

const t = initTRPC.context<TrpcContext>().create();

export const router = t.router;

/** Procedures anyone may call (health of the console, sign-in). */
export const publicProcedure = t.procedure;

/**
 * Procedures for any signed-in user. The session is narrowed to non-null so handlers never re-check
 * it; without a live session the call fails with UNAUTHORIZED (HTTP 401).
 */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
	if (ctx.session === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
	return next({ ctx: { ...ctx, session: ctx.session } });
});

/** Procedures for signed-in administrators only: a live session whose user holds the ADMIN tier. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
	if (ctx.session.tier !== "ADMIN") {
		throw new TRPCError({ code: "FORBIDDEN", message: "Administrators only" });
	}
	return next();
});
