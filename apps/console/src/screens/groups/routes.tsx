import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { Page } from "../../ui/page.tsx";
import { EmptyState } from "../../ui/query-view.tsx";

function Placeholder() {
	return (
		<Page title="Groups">
			<EmptyState title="This screen is being built" />
		</Page>
	);
}

/** The Groups screen's routes. */
export const groupsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/groups", component: Placeholder }),
] as const;
