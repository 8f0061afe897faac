import { guidePath, idpGuides } from "@roster/domain/inputs/connections";
import { createRoute } from "@tanstack/react-router";
import { lazy, Suspense } from "react";
import { appRoute } from "../../app/app-route.tsx";
import { Loading } from "../../ui/query-view.tsx";

// The guides and their markdown renderer load on the first visit to a guide, not with the whole console.
const GuidePage = lazy(() => import("./GuidePages.tsx").then((module) => ({ default: module.GuidePage })));
const GuidesIndexPage = lazy(() =>
	import("./GuidePages.tsx").then((module) => ({ default: module.GuidesIndexPage })),
);

/**
 * The setup guides: the index at `/help/idp` and one route per guide (`/help/idp/okta`). A route per guide
 * rather than `/help/idp/$guide`, so an unknown guide falls to the console's own not-found page, inside the
 * signed-in frame, like any other mistyped address.
 */
export const helpRoutes = [
	createRoute({
		getParentRoute: () => appRoute,
		path: guidePath(),
		component: () => (
			<Suspense fallback={<Loading label="Loading the guides…" />}>
				<GuidesIndexPage />
			</Suspense>
		),
	}),
	...idpGuides.map((guide) =>
		createRoute({
			getParentRoute: () => appRoute,
			path: guidePath(guide),
			component: () => (
				<Suspense fallback={<Loading label="Loading the guide…" />}>
					<GuidePage guide={guide} />
				</Suspense>
			),
		}),
	),
] as const;
