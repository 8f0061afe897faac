import { type ActivityRange, activityRanges } from "@roster/domain/inputs/dashboard";
import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { DashboardPage } from "./DashboardPage.tsx";

/** The dashboard's address: `/?range=7d`; no range (or an unknown one) means the last 24 hours. */
export interface DashboardSearch {
	range?: ActivityRange;
}

function isRange(value: unknown): value is ActivityRange {
	return typeof value === "string" && Object.hasOwn(activityRanges, value);
}

/** The Dashboard screen's routes. */
export const dashboardRoutes = [
	createRoute({
		getParentRoute: () => appRoute,
		path: "/",
		component: DashboardPage,
		validateSearch: (search: Record<string, unknown>): DashboardSearch =>
			isRange(search.range) ? { range: search.range } : {},
	}),
] as const;
