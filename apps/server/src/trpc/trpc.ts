import type { DatabaseHandle } from "@roster/db";
import { initTRPC, TRPCError } from "@trpc/server";
import type { Config } from "../env.ts";
import type { Logger } from "../logger.ts";

/** The signed-in console administrator; filled in once sign-in exists. */
export interface AdminSession {
	userId: string;
	organizationId: string;
}

/** What every tRPC procedure receives; built per request by `createApp` (a type alias so it fits the adapter's record type). */
export type TrpcContext = {
	db: DatabaseHandle["db"];
	config: Config;
	logger: Logger;
	requestId: string;
	session: AdminSession | null;
};

const t = initTRPC.context<TrpcContext>().create();

export const router = t.router;

/** Procedures anyone may call (health of the console, sign-in). */
export const publicProcedure = t.procedure;

/**
 * Procedures for signed-in administrators only. The session is narrowed to non-null so handlers
 * never re-check it; until sign-in exists every call is rejected.
 */
export const adminProcedure = t.procedure.use(({ ctx, next }) => {
	if (ctx.session === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
	return next({ ctx: { ...ctx, session: ctx.session } });
});
