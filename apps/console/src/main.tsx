import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { router } from "./app/router.tsx";
import { SESSION_PROBE } from "./app/session-probe.ts";
import { createConsoleTrpcClient, TRPCProvider } from "./trpc.ts";
import { errorCode } from "./ui/errors.ts";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

/** Refusals (4xx) are answers, not glitches: retrying them only delays the message. */
const NO_RETRY = new Set([
	"BAD_REQUEST",
	"UNAUTHORIZED",
	"FORBIDDEN",
	"NOT_FOUND",
	"CONFLICT",
	"TOO_MANY_REQUESTS",
]);

/**
 * A session that ends mid-visit (idle timeout, deprovisioned, revoked) sends the reader to sign-in and
 * back. The layout's own session check is left to the layout, which knows it is a first visit.
 */
function onSessionEnded(error: unknown, meta: Record<string, unknown> | undefined): void {
	if (errorCode(error) !== "UNAUTHORIZED" || meta === SESSION_PROBE) return;
	const { pathname, href } = router.state.location;
	if (pathname === "/sign-in") return;
	void router.navigate({ to: "/sign-in", search: { next: href, reason: "expired" }, replace: true });
}

const queryClient = new QueryClient({
	queryCache: new QueryCache({ onError: (error, query) => onSessionEnded(error, query.meta) }),
	mutationCache: new MutationCache({
		onError: (error, _v, _c, mutation) => onSessionEnded(error, mutation.meta),
	}),
	defaultOptions: {
		queries: {
			retry: (failures, error) => !NO_RETRY.has(errorCode(error) ?? "") && failures < 2,
			staleTime: 5_000,
		},
	},
});
const trpcClient = createConsoleTrpcClient();

createRoot(root).render(
	<StrictMode>
		<QueryClientProvider client={queryClient}>
			<TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
				<RouterProvider router={router} />
			</TRPCProvider>
		</QueryClientProvider>
	</StrictMode>,
);
