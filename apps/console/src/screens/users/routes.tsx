import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { Page } from "../../ui/page.tsx";
import { EmptyState } from "../../ui/query-view.tsx";

function Placeholder() {
	return (
		<Page title="Users">
			<EmptyState title="This screen is being built" />
		</Page>
	);
}

/** The Users screen's routes. */
export const usersRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/users", component: Placeholder }),
] as const;
