import { systemRouter } from "./system.ts";
import { router } from "./trpc.ts";

/** Every console API router, one per domain; the console imports only the `AppRouter` type. */
export const appRouter = router({
	system: systemRouter,
});

export type AppRouter = typeof appRouter;
