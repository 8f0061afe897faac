import { auditRouter } from "./audit.ts";
import { connectionsRouter } from "./connections.ts";
import { dashboardRouter } from "./dashboard.ts";
import { groupsRouter } from "./groups.ts";
import { importsRouter } from "./imports.ts";
import { jobsRouter } from "./jobs.ts";
import { mappingsRouter } from "./mappings.ts";
import { meRouter } from "./me.ts";
import { provisioningLogRouter } from "./provisioning-log.ts";
import { sessionRouter } from "./session.ts";
import { settingsRouter } from "./settings.ts";
import { ssoRouter } from "./sso.ts";
import { systemRouter } from "./system.ts";
import { router } from "./trpc.ts";
import { usersRouter } from "./users.ts";
import { webhooksRouter } from "./webhooks.ts";

/** Every console API router, one per domain; the console imports only the `AppRouter` type. */
export const appRouter = router({
	audit: auditRouter,
	connections: connectionsRouter,
	dashboard: dashboardRouter,
	groups: groupsRouter,
	jobs: jobsRouter,
	imports: importsRouter,
	mappings: mappingsRouter,
	me: meRouter,
	provisioningLog: provisioningLogRouter,
	session: sessionRouter,
	settings: settingsRouter,
	sso: ssoRouter,
	system: systemRouter,
	users: usersRouter,
	webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
