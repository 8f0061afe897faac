import type { TRPCRouterRecord } from "@trpc/server";
import { version } from "../version.ts";
import { publicProcedure } from "./trpc.ts";

/** Facts about the running server that the console shows before sign-in. */
export const systemRouter = {
	info: publicProcedure.query(() => ({ name: "Roster", version })),
} satisfies TRPCRouterRecord;
