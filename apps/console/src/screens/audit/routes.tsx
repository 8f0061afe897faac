import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { Page } from "../../ui/page.tsx";
import { EmptyState } from "../../ui/query-view.tsx";

function Placeholder() {
	return (
		<Page title="Audit">
			<EmptyState title="This screen is being built" />
		</Page>
	);
}

/** The Audit screen's routes. */
export const auditRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/audit", component: Placeholder }),
] as const;
