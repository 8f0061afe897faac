import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { MappingsPage } from "./MappingsPage.tsx";

/** The Role mappings screen's routes. */
export const mappingsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/mappings", component: MappingsPage }),
] as const;
