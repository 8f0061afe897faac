import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { Page } from "../../ui/page.tsx";
import { EmptyState } from "../../ui/query-view.tsx";

function Placeholder() {
	return (
		<Page title="Role mappings">
			<EmptyState title="This screen is being built" />
		</Page>
	);
}

/** The Role mappings screen's routes. */
export const mappingsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/mappings", component: Placeholder }),
] as const;
