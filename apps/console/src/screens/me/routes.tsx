import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { MyAccessPage } from "./MyAccessPage.tsx";

/** "My access": the one screen every signed-in user has, administrators included. */
export const meRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/me", component: MyAccessPage }),
] as const;
