import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { Page } from "../../ui/page.tsx";
import { EmptyState } from "../../ui/query-view.tsx";

function Placeholder() {
	return (
		<Page title="SSO & provisioning">
			<EmptyState title="This screen is being built" />
		</Page>
	);
}

/** The SSO & provisioning screen's routes. */
export const connectionsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/connections", component: Placeholder }),
] as const;
