import { useLocation, useNavigate } from "@tanstack/react-router";
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
	const next = useRef(useLocation().href);
	const sent = useRef(false);
	useEffect(() => {
		if (sent.current) return;
		sent.current = true;
		void navigate({ to: "/sign-in", search: { next: next.current }, replace: true });
	}, [navigate]);
	return <Loading label="Taking you to sign-in…" />;
}
