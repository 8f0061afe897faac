import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { Page } from "../../ui/page.tsx";
import { EmptyState } from "../../ui/query-view.tsx";

function Placeholder() {
	return (
		<Page title="Dashboard">
			<EmptyState title="This screen is being built" />
		</Page>
	);
}

/** The Dashboard screen's routes. */
export const dashboardRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/", component: Placeholder }),
] as const;
