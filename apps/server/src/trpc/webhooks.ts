import {
	createWebhookEndpointInput,
	replayWebhookDeliveryInput,
	setWebhookEndpointEnabledInput,
	webhookDeliveriesInput,
	webhookEndpointIdInput,
} from "@roster/domain/inputs/webhooks";
import type { TRPCRouterRecord } from "@trpc/server";
import type { Config } from "../env.ts";
import { replayWebhookDelivery } from "../events/delivery.ts";
import {
	createWebhookEndpoint,
	deleteWebhookEndpoint,
	listWebhookDeliveries,
	listWebhookEndpoints,
	setWebhookEndpointEnabled,
} from "../events/webhook-endpoints.ts";
import { adminProcedure } from "./trpc.ts";

function policyOf(config: Config) {
	return { allowPrivateNetworks: config.webhookAllowPrivateNetworks };
}

/**
 * Webhooks: the organization's endpoints (the signing secret is answered once, by `create`), their
 * delivery log and replay. Every write is one transaction with its audit record.
 */
export const webhooksRouter = {
	list: adminProcedure.query(({ ctx }) => listWebhookEndpoints(ctx.db, ctx.organization.id)),

	create: adminProcedure.input(createWebhookEndpointInput).mutation(({ ctx, input }) =>
		createWebhookEndpoint(ctx.db, {
			orgId: ctx.organization.id,
			...input,
			actor: ctx.actor,
			secret: ctx.config.secret,
			policy: policyOf(ctx.config),
		}),
	),

	setEnabled: adminProcedure
		.input(setWebhookEndpointEnabledInput)
		.mutation(({ ctx, input }) =>
			setWebhookEndpointEnabled(ctx.db, { orgId: ctx.organization.id, ...input, actor: ctx.actor }),
		),

	delete: adminProcedure.input(webhookEndpointIdInput).mutation(async ({ ctx, input }) => {
		await deleteWebhookEndpoint(ctx.db, { orgId: ctx.organization.id, id: input.id, actor: ctx.actor });
		return { deleted: true };
	}),

	deliveries: adminProcedure.input(webhookDeliveriesInput).query(({ ctx, input }) =>
		listWebhookDeliveries(ctx.db, {
			orgId: ctx.organization.id,
			endpointId: input.id,
			limit: input.limit,
			before: input.before,
		}),
	),

	replay: adminProcedure.input(replayWebhookDeliveryInput).mutation(({ ctx, input }) =>
		replayWebhookDelivery(
			{
				db: ctx.db,
				secret: ctx.config.secret,
				policy: policyOf(ctx.config),
				timeoutMs: ctx.config.webhookTimeoutMs,
				retryBaseMs: ctx.config.webhookRetryBaseMs,
			},
			{ orgId: ctx.organization.id, endpointId: input.id, deliveryId: input.deliveryId },
		),
	),
} satisfies TRPCRouterRecord;
