import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { ConnectionPage } from "./ConnectionPage.tsx";
import { ConnectionsPage } from "./ConnectionsPage.tsx";

/** The SSO & provisioning screen's routes: the list and one connection's page. */
export const connectionsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/connections", component: ConnectionsPage }),
	createRoute({
		getParentRoute: () => appRoute,
		path: "/connections/$connectionId",
		component: ConnectionPage,
	}),
] as const;
