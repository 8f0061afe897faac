import type { AppRouter } from "@roster/server/trpc";
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

/** Typed hooks for the console API; the router type comes from the server, so both sides change together. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * Procedures that answer with a stream of events (progress while one transaction runs). They need the
 * streaming link; every other call stays on the plain batch link, whose answers can set cookies.
 */
const STREAMING_PROCEDURES: ReadonlySet<string> = new Set(["mappings.save"]);

/**
 * The console's client for `/trpc`, same origin; batching keeps one screen's queries in one request. The
 * custom header is the CSRF guard: a cross-site form or script cannot send it without a CORS preflight.
 */
export function createConsoleTrpcClient() {
	const options = { url: "/trpc", headers: { "x-roster-csrf": "1" } };
	return createTRPCClient<AppRouter>({
		links: [
			splitLink({
				condition: (op) => STREAMING_PROCEDURES.has(op.path),
				true: httpBatchStreamLink(options),
				false: httpBatchLink(options),
			}),
		],
	});
}
