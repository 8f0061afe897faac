import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { Page } from "../../ui/page.tsx";
import { EmptyState } from "../../ui/query-view.tsx";

function Placeholder() {
	return (
		<Page title="Provisioning log">
			<EmptyState title="This screen is being built" />
		</Page>
	);
}

/** The Provisioning log screen's routes. */
export const provisioningLogRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/provisioning-log", component: Placeholder }),
] as const;
