import { useLocation, useNavigate, useRouter } from "@tanstack/react-router";
import { useEffect, useRef } from "react";
import { Loading } from "../ui/query-view.tsx";

/**
 * Sends a signed-out reader to sign-in, and back to where they were afterwards. It navigates once, with
 * the address it was mounted at: a `<Navigate>` inside a component that re-renders on every location
 * change navigates again on each render (the address it names changes with every hop), which locks up
 * the page.
 */
export function RedirectToSignIn() {
	const navigate = useNavigate();
	const router = useRouter();
	const next = useRef(useLocation().href);
	const sent = useRef(false);
	useEffect(() => {
		// The console's session-ended handler may be on its way to sign-in already (with its notice).
		if (sent.current || router.latestLocation.pathname === "/sign-in") return;
		sent.current = true;
		void navigate({ to: "/sign-in", search: { next: next.current }, replace: true });
	}, [navigate, router]);
	return <Loading label="Taking you to sign-in…" />;
}
