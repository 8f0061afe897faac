import { createRoute, createRouter } from "@tanstack/react-router";
import { signInRoutes } from "../auth/routes.tsx";
import { auditRoutes } from "../screens/audit/routes.tsx";
import { connectionsRoutes } from "../screens/connections/routes.tsx";
import { dashboardRoutes } from "../screens/dashboard/routes.tsx";
import { groupsRoutes } from "../screens/groups/routes.tsx";
import { helpRoutes } from "../screens/help/routes.tsx";
import { jobsRoutes } from "../screens/jobs/routes.tsx";
import { mappingsRoutes } from "../screens/mappings/routes.tsx";
import { meRoutes } from "../screens/me/routes.tsx";
import { provisioningLogRoutes } from "../screens/provisioning-log/routes.tsx";
import { settingsRoutes } from "../screens/settings/routes.tsx";
import { usersRoutes } from "../screens/users/routes.tsx";
import { webhooksRoutes } from "../screens/webhooks/routes.tsx";
import { Page } from "../ui/page.tsx";
import { appRoute } from "./app-route.tsx";
import { rootRoute } from "./root-route.tsx";

function NotFound() {
	return (
		<Page title="Page not found">
			<p className="text-sm text-slate-700">
				There is no screen at this address. Use the navigation to find your way.
			</p>
		</Page>
	);
}

/** Any other address: inside the signed-in frame, so a mistyped link still shows the navigation. */
const notFoundRoute = createRoute({ getParentRoute: () => appRoute, path: "$", component: NotFound });

const routeTree = rootRoute.addChildren([
	...signInRoutes,
	appRoute.addChildren([
		...dashboardRoutes,
		...usersRoutes,
		...groupsRoutes,
		...mappingsRoutes,
		...connectionsRoutes,
		...provisioningLogRoutes,
		...auditRoutes,
		...jobsRoutes,
		...settingsRoutes,
		...webhooksRoutes,
		...meRoutes,
		...helpRoutes,
		notFoundRoute,
	]),
]);

/** The console's router: typed routes, so links and search parameters are checked at build time. */
export const router = createRouter({
	routeTree,
	defaultNotFoundComponent: NotFound,
	scrollRestoration: true,
});

declare module "@tanstack/react-router" {
	interface Register {
		router: typeof router;
	}
}
