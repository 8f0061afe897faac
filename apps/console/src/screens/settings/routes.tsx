import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { Page } from "../../ui/page.tsx";
import { EmptyState } from "../../ui/query-view.tsx";

function Placeholder() {
	return (
		<Page title="Settings">
			<EmptyState title="This screen is being built" />
		</Page>
	);
}

/** The Settings screen's routes. */
export const settingsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/settings", component: Placeholder }),
] as const;
