import { useQueryClient } from "@tanstack/react-query";
import { useLocation } from "@tanstack/react-router";
import { useCallback, useEffect, useRef } from "react";
import { useTRPC } from "../trpc.ts";
import { errorCode } from "../ui/errors.ts";
import { SESSION_PROBE } from "./session-probe.ts";

/**
 * Asks "who is signed in?" again on every navigation and after any call the server refused as FORBIDDEN
 * (what an administrator demoted mid-visit meets first), so a tier changed by the IdP takes effect in the
 * open console: the full console after a promotion, My access alone after a demotion. The session's own
 * probe is left out, so a refused probe cannot ask itself again in a loop.
 */
export function useTierFreshness(): void {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const pathname = useLocation({ select: (location) => location.pathname });
	const recheck = useCallback(() => {
		void queryClient.invalidateQueries({ queryKey: trpc.session.me.queryKey() });
	}, [queryClient, trpc]);

	const arrived = useRef(false);
	useEffect(() => {
		if (arrived.current) recheck();
		arrived.current = true;
	}, [pathname, recheck]);

	useEffect(() => {
		const fromQueries = queryClient.getQueryCache().subscribe((event) => {
			if (
				event.type === "updated" &&
				event.action.type === "error" &&
				event.query.meta !== SESSION_PROBE &&
				errorCode(event.action.error) === "FORBIDDEN"
			)
				recheck();
		});
		const fromMutations = queryClient.getMutationCache().subscribe((event) => {
			if (
				event.type === "updated" &&
				event.action.type === "error" &&
				errorCode(event.action.error) === "FORBIDDEN"
			)
				recheck();
		});
		return () => {
			fromQueries();
			fromMutations();
		};
	}, [queryClient, recheck]);
}
