import { createRoute } from "@tanstack/react-router";
import { AppLayout } from "./layout.tsx";
import { rootRoute } from "./root-route.tsx";

/** The parent of every signed-in screen: screens declare `getParentRoute: () => appRoute`. */
export const appRoute = createRoute({ getParentRoute: () => rootRoute, id: "app", component: AppLayout });
