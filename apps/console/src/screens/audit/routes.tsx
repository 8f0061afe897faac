import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { AuditScreen } from "./AuditScreen.tsx";
import { OffboardingScreen } from "./OffboardingScreen.tsx";

/** The Audit screen's routes: the viewer and the offboarding report. */
export const auditRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/audit", component: AuditScreen }),
	createRoute({ getParentRoute: () => appRoute, path: "/audit/offboarding", component: OffboardingScreen }),
] as const;
