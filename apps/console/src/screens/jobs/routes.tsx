import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { JobsPage } from "./JobsPage.tsx";

/** The Jobs screen: background jobs with their progress. */
export const jobsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/jobs", component: JobsPage }),
] as const;
