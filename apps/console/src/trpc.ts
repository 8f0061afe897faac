import type { AppRouter } from "@roster/server/trpc";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

/** Typed hooks for the console API; the router type comes from the server, so both sides change together. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/**
 * The console's client for `/trpc`, same origin; batching keeps one screen's queries in one request. The
 * custom header is the CSRF guard: a cross-site form or script cannot send it without a CORS preflight.
 */
export function createConsoleTrpcClient() {
	return createTRPCClient<AppRouter>({
		links: [httpBatchLink({ url: "/trpc", headers: { "x-roster-csrf": "1" } })],
	});
}
