import type { AppRouter } from "@roster/server/trpc";
import type { inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>["webhooks"];

/** A webhook endpoint as `webhooks.list` answers it. */
export type WebhookEndpoint = Outputs["list"][number];
/** One attempt of the delivery log. */
export type WebhookDelivery = Outputs["deliveries"][number];
