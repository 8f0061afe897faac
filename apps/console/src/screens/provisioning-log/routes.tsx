import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { ProvisioningLogScreen } from "./ProvisioningLogScreen.tsx";

/** The Provisioning log screen's routes. */
export const provisioningLogRoutes = [
	createRoute({
		getParentRoute: () => appRoute,
		path: "/provisioning-log",
		component: ProvisioningLogScreen,
	}),
] as const;
