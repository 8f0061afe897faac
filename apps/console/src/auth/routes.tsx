import { isSsoRefusalReason, type SsoRefusalReason, safeNextPath } from "@roster/domain/inputs/sso";
import { createRoute } from "@tanstack/react-router";
import { rootRoute } from "../app/root-route.tsx";
import { SignInPage } from "./SignInPage.tsx";
import { SsoRefusedPage } from "./SsoRefusedPage.tsx";

/** Why the reader lands on sign-in, so the page can say so. */
export type SignInReason = "expired" | "signed-out";

export interface SignInSearch {
	/** Where to go after signing in: a path on this console only (never another origin). */
	next?: string;
	reason?: SignInReason;
}

/** Keeps `next` only when it is a same-origin path, so sign-in cannot be turned into an open redirect. */
export const safeNext = safeNextPath;

export const signInRoute = createRoute({
	getParentRoute: () => rootRoute,
	path: "/sign-in",
	validateSearch: (search: Record<string, unknown>): SignInSearch => ({
		next: safeNext(search.next),
		reason: search.reason === "expired" || search.reason === "signed-out" ? search.reason : undefined,
	}),
	component: SignInPage,
});

/** Where a refused single sign-on lands: `reason` is one of Roster's codes, anything else is shown as unknown. */
export interface SsoRefusedSearch {
	reason?: SsoRefusalReason;
}

export const ssoRefusedRoute = createRoute({
	getParentRoute: () => rootRoute,
	path: "/sign-in/refused",
	validateSearch: (search: Record<string, unknown>): SsoRefusedSearch => ({
		reason: isSsoRefusalReason(search.reason) ? search.reason : undefined,
	}),
	component: SsoRefusedPage,
});

export const signInRoutes = [signInRoute, ssoRefusedRoute] as const;
