import type { AppRouter } from "@roster/server/trpc";
import type { inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>["connections"];

/** The answers of the connections procedures this screen renders. */
export type ConnectionsOverview = Outputs["list"];
export type ConnectionSummary = ConnectionsOverview["connections"][number];
export type ConnectionDetail = Outputs["get"];
export type TokenRow = Outputs["tokens"][number];
export type ConnectionTestResult = Outputs["test"];
