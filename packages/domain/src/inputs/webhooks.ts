import { z } from "zod";

/** A new webhook endpoint: where to deliver, and a note for people. The server checks the URL's target. */
export const createWebhookEndpointInput = z.object({
	url: z.string().trim().min(1, "Give the endpoint's URL").max(2048, "Keep the URL under 2048 characters"),
	description: z.string().trim().max(200, "Keep the description under 200 characters").default(""),
});

export const webhookEndpointIdInput = z.object({ id: z.uuid() });

export const setWebhookEndpointEnabledInput = z.object({ id: z.uuid(), enabled: z.boolean() });

export const webhookDeliveriesInput = z.object({
	id: z.uuid(),
	limit: z.number().int().min(1).max(100).default(50),
	before: z.number().int().positive().optional(),
});

export const replayWebhookDeliveryInput = z.object({ id: z.uuid(), deliveryId: z.number().int().positive() });
