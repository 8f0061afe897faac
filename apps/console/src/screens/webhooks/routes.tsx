import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { DeliveryLogPage } from "./DeliveryLogPage.tsx";
import { WebhooksPage } from "./WebhooksPage.tsx";

/** The Webhooks screen's routes: the endpoints and one endpoint's delivery log. */
export const webhooksRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/webhooks", component: WebhooksPage }),
	createRoute({ getParentRoute: () => appRoute, path: "/webhooks/$endpointId", component: DeliveryLogPage }),
] as const;
