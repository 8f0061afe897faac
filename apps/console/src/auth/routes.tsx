import { createRoute } from "@tanstack/react-router";
import { rootRoute } from "../app/root-route.tsx";
import { SignInPage } from "./SignInPage.tsx";

/** Why the reader lands on sign-in, so the page can say so. */
export type SignInReason = "expired" | "signed-out";

export interface SignInSearch {
	/** Where to go after signing in: a path on this console only (never another origin). */
	next?: string;
	reason?: SignInReason;
}

/** Keeps `next` only when it is a same-origin path, so sign-in cannot be turned into an open redirect. */
export function safeNext(value: unknown): string | undefined {
	return typeof value === "string" &&
		value.startsWith("/") &&
		!value.startsWith("//") &&
		!value.startsWith("/\\")
		? value
		: undefined;
}

export const signInRoute = createRoute({
	getParentRoute: () => rootRoute,
	path: "/sign-in",
	validateSearch: (search: Record<string, unknown>): SignInSearch => ({
		next: safeNext(search.next),
		reason: search.reason === "expired" || search.reason === "signed-out" ? search.reason : undefined,
	}),
	component: SignInPage,
});

export const signInRoutes = [signInRoute] as const;
