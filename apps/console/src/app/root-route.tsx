import { createRootRoute, Outlet } from "@tanstack/react-router";

/** The route every screen hangs off: signed out (sign-in) or signed in (`appRoute`). */
export const rootRoute = createRootRoute({ component: Outlet });
