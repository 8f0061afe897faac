import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { GroupPage } from "./GroupPage.tsx";
import { GroupsPage } from "./GroupsPage.tsx";

/** The Groups screen's routes: the list and one group's page. */
export const groupsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/groups", component: GroupsPage }),
	createRoute({ getParentRoute: () => appRoute, path: "/groups/$groupId", component: GroupPage }),
] as const;
