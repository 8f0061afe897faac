import { sessionRouter } from "./session.ts";
import { systemRouter } from "./system.ts";
import { router } from "./trpc.ts";

/** Every console API router, one per domain; the console imports only the `AppRouter` type. */
export const appRouter = router({
	session: sessionRouter,
	system: systemRouter,
});

export type AppRouter = typeof appRouter;
