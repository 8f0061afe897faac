import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { UserPage } from "./UserPage.tsx";
import { UsersPage } from "./UsersPage.tsx";

/** The Users screen's routes: the directory and one user's page. */
export const usersRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/users", component: UsersPage }),
	createRoute({ getParentRoute: () => appRoute, path: "/users/$userId", component: UserPage }),
] as const;
