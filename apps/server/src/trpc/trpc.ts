import { type AccessTier, type DatabaseHandle, type Organization, organizations } from "@roster/db";
import { ScimError } from "@roster/scim";
import { initTRPC, TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { ZodError, z } from "zod";
import type { OperatorActor } from "../audit/operator-events.ts";
import type { ScimLoopback } from "../connections/test-connection.ts";
import type { Config } from "../env.ts";
import type { Logger } from "../logger.ts";
import { OperationError, type OperationErrorCode } from "../operation-error.ts";
import { touchSession } from "../sessions/sessions.ts";

/** The signed-in user behind a request, read from their session row on every request. */
export interface ConsoleSession {
	sessionId: string;
	userId: string;
	organizationId: string;
	userName: string;
	tier: AccessTier;
	/** The session's absolute end. */
	expiresAt: Date;
	/** Its last recorded use (kept to the minute); the idle timeout counts from it. */
	lastSeenAt: Date;
}

/** Where a request came from, for sessions, throttling and the audit trail. */
export interface RequestClient {
	ip: string | undefined;
	userAgent: string | undefined;
	/** The origin the client addressed (`https://roster.example.com`), through the trusted proxies. */
	origin: string;
}

/** Writes the console's session cookie on the answer of the current request. */
export interface SessionCookieWriter {
	set(token: string, expiresAt: Date): void;
	clear(): void;
}

/** What every tRPC procedure receives; built per request by `createApp` (a type alias so it fits the adapter's record type). */
export type TrpcContext = {
	db: DatabaseHandle["db"];
	config: Config;
	logger: Logger;
	requestId: string;
	session: ConsoleSession | null;
	client: RequestClient;
	sessionCookie: SessionCookieWriter;
	/** Why the request cannot have come from the console itself (CSRF), or null when it can. */
	csrfRefusal: string | null;
	/** How the request presented a session token, if it did. */
	credential: "bearer" | "cookie" | null;
	/** This server's own SCIM API, in process: "test connection" sends its round trip through it. */
	scimLoopback: ScimLoopback;
};

const TRPC_CODE: Record<OperationErrorCode, TRPCError["code"]> = {
	invalid: "BAD_REQUEST",
	not_found: "NOT_FOUND",
	conflict: "CONFLICT",
};

const SCIM_STATUS_CODE: Partial<Record<number, TRPCError["code"]>> = {
	404: "NOT_FOUND",
	409: "CONFLICT",
	412: "PRECONDITION_FAILED",
	413: "PAYLOAD_TOO_LARGE",
};

/** The one-line summary of an input refusal: its first problem, prefixed with the field it is about. */
function inputSummary(error: ZodError): string {
	const [first] = error.issues;
	if (!first) return "Invalid input";
	return first.path.length > 0 ? `${first.path.join(".")}: ${first.message}` : first.message;
}

/**
 * The cause of a refusal that carries facts the console renders its own way (when a lockout ends, in
 * the reader's time zone); they arrive as `data.refusal`. Facts only: never a secret.
 */
export class RefusalFacts extends Error {
	override name = "RefusalFacts";
	constructor(readonly facts: { reason: string; retryAt?: string }) {
		super(facts.reason);
	}
}

const t = initTRPC.context<TrpcContext>().create({
	// Never send a stack trace to the browser, whatever NODE_ENV says.
	isDev: false,
	/**
	 * Input refusals carry `fieldErrors` (field → messages), which forms show inline beside each field;
	 * refusals with facts (`RefusalFacts`) carry them as `refusal`.
	 */
	errorFormatter({ shape, error }) {
		if (error.cause instanceof RefusalFacts)
			return { ...shape, data: { ...shape.data, refusal: error.cause.facts } };
		if (!(error.cause instanceof ZodError)) return shape;
		return {
			...shape,
			message: inputSummary(error.cause),
			data: {
				...shape.data,
				fieldErrors: z.flattenError(error.cause).fieldErrors as Record<string, string[]>,
			},
		};
	},
});

export const router = t.router;

/**
 * Every procedure turns an operation's expected refusal (`OperationError`, `ScimError`) into a tRPC error
 * with its one-line message; anything else is logged with the request id and answered as a bare 500.
 */
const baseProcedure = t.procedure.use(async ({ ctx, next, path }) => {
	const result = await next();
	if (result.ok) return result;
	const error = result.error;
	const cause = error.cause;
	if (cause instanceof OperationError) {
		throw new TRPCError({ code: TRPC_CODE[cause.code], message: cause.message });
	}
	if (cause instanceof ScimError) {
		throw new TRPCError({ code: SCIM_STATUS_CODE[cause.status] ?? "BAD_REQUEST", message: cause.message });
	}
	if (error.code === "INTERNAL_SERVER_ERROR") {
		ctx.logger.error({ err: cause ?? error, path, requestId: ctx.requestId }, "console procedure failed");
		throw new TRPCError({
			code: "INTERNAL_SERVER_ERROR",
			message: `Internal error (request ${ctx.requestId})`,
		});
	}
	return result;
});

/**
 * CSRF: every mutation, and every call that authenticates with the cookie, must provably come from the
 * console (its custom header, and a same-origin `Origin` when one is sent). tRPC runs GET requests as
 * queries only and routes form posts as mutations, so a cross-site `<form>` or link reaches nothing.
 * Queries without a cookie (`system.info` from a script) need no proof.
 */
const consoleRequestsOnly = baseProcedure.use(({ ctx, type, next }) => {
	if (ctx.csrfRefusal !== null && (type !== "query" || ctx.credential === "cookie")) {
		throw new TRPCError({ code: "FORBIDDEN", message: ctx.csrfRefusal });
	}
	return next();
});

/** Procedures anyone may call (health of the console, sign-in). */
export const publicProcedure = consoleRequestsOnly;

/** A live session, narrowed to non-null; without one the call fails with UNAUTHORIZED (HTTP 401). */
const sessionProcedure = consoleRequestsOnly.use(({ ctx, next }) => {
	if (ctx.session === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
	return next({ ctx: { ...ctx, session: ctx.session } });
});

/**
 * Records the use of a session once its call is authorized (so refused calls write nothing), at most
 * once a minute; the idle timeout counts from it.
 */
async function keptAlive(ctx: TrpcContext & { session: ConsoleSession }): Promise<ConsoleSession> {
	const lastSeenAt = await touchSession(ctx.db, {
		id: ctx.session.sessionId,
		lastSeenAt: ctx.session.lastSeenAt,
	});
	return { ...ctx.session, lastSeenAt };
}

/** Procedures for any signed-in user; handlers never re-check the session. */
export const protectedProcedure = sessionProcedure.use(async ({ ctx, next }) =>
	next({ ctx: { ...ctx, session: await keptAlive(ctx) } }),
);

/**
 * Procedures for signed-in administrators only: a live session whose user holds the ADMIN tier. Each
 * handler gets the administrator's own `organization` (every read and write is scoped to it, so one
 * tenant's administrator never reaches another's rows) and the `actor` its audit events record.
 */
export const adminProcedure = sessionProcedure.use(async ({ ctx, next }) => {
	if (ctx.session.tier !== "ADMIN") {
		throw new TRPCError({ code: "FORBIDDEN", message: "Administrators only" });
	}
	const [organization] = await ctx.db
		.select()
		.from(organizations)
		.where(eq(organizations.id, ctx.session.organizationId))
		.limit(1);
	if (!organization) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
	const actor: OperatorActor = { type: "admin", id: ctx.session.userId, name: ctx.session.userName };
	const session = await keptAlive(ctx);
	return next({ ctx: { ...ctx, session, organization: organization as Organization, actor } });
});
