import { randomBytes } from "node:crypto";
import {
	type Database,
	type Executor,
	rows,
	type WebhookEndpoint,
	webhookDeliveries,
	webhookEndpoints,
} from "@roster/db";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { createKeyring, decrypt, encrypt, type Keyring } from "../security/encryption.ts";
import { eventCursor } from "./feed.ts";
import { checkEndpointUrl, type TargetPolicy } from "./webhook-target.ts";

export const MAX_ENDPOINTS_PER_ORGANIZATION = 20;
const MAX_DESCRIPTION_LENGTH = 200;
export const DELIVERY_PAGE_MAX = 100;

/** The AES-256-GCM keyring webhook signing secrets are sealed with, derived from ROSTER_SECRET. */
function webhookKeyring(secret: string): Keyring {
	return createKeyring({ 1: secret });
}

/** Opens an endpoint's sealed `whsec_…` signing secret, for signing a delivery. */
export function signingSecretOf(endpoint: Pick<WebhookEndpoint, "secretSealed">, secret: string): string {
	return decrypt(endpoint.secretSealed, webhookKeyring(secret));
}

/** An endpoint as the console and the CLI show it: never its secret. */
export interface WebhookEndpointView {
	id: string;
	url: string;
	description: string;
	enabled: boolean;
	createdAt: string;
	/** The last event delivered (`evt_0` before the first). */
	deliveredThrough: string;
	failedAttempts: number;
	nextAttemptAt: string | null;
	lastError: string | null;
}

function view(row: WebhookEndpoint): WebhookEndpointView {
	return {
		id: row.id,
		url: row.url,
		description: row.description,
		enabled: row.enabled,
		createdAt: row.createdAt.toISOString(),
		deliveredThrough: eventCursor(row.cursor),
		failedAttempts: row.failedAttempts,
		nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
		lastError: row.lastError,
	};
}

/**
 * Adds an endpoint to an organization, with a new `whsec_…` secret returned only here (stored sealed).
 * Delivery starts after the organization's newest event: an endpoint hears what happens from now on;
 * history is in the feed. Audited in the same transaction.
 */
export async function createWebhookEndpoint(
	db: Database,
	input: {
		orgId: string;
		url: string;
		description?: string;
		actor: OperatorActor;
		secret: string;
		policy: TargetPolicy;
	},
): Promise<{ endpoint: WebhookEndpointView; signingSecret: string }> {
	const url = checkEndpointUrl(input.url.trim(), input.policy);
	const description = (input.description ?? "").trim();
	if (description.length > MAX_DESCRIPTION_LENGTH) {
		throw new OperationError(
			"invalid",
			`The description must be at most ${MAX_DESCRIPTION_LENGTH} characters`,
		);
	}
	const signingSecret = `whsec_${randomBytes(32).toString("base64")}`;
	return db.transaction(async (tx) => {
		const [existing] = await rows<{ n: number }>(
			tx,
			sql`select count(*)::int as n from webhook_endpoints where org_id = ${input.orgId}`,
		);
		if ((existing?.n ?? 0) >= MAX_ENDPOINTS_PER_ORGANIZATION) {
			throw new OperationError(
				"conflict",
				`An organization may have at most ${MAX_ENDPOINTS_PER_ORGANIZATION} webhook endpoints`,
			);
		}
		const [row] = await tx
			.insert(webhookEndpoints)
			.values({
				orgId: input.orgId,
				url,
				description,
				secretSealed: encrypt(signingSecret, webhookKeyring(input.secret)),
				cursor: sql`(select coalesce(max(id), 0) from audit_events where org_id = ${input.orgId})`,
			})
			.returning();
		if (!row) throw new Error("insert returned no webhook endpoint");
		await recordOperatorEvents(tx, input.orgId, input.actor, [
			{
				action: "WEBHOOK_ENDPOINT_CREATED",
				entityType: "WebhookEndpoint",
				entityId: row.id,
				entityName: url,
			},
		]);
		return { endpoint: view(row), signingSecret };
	});
}

/** The organization's endpoints, oldest first. */
export async function listWebhookEndpoints(db: Executor, orgId: string): Promise<WebhookEndpointView[]> {
	const found = await db
		.select()
		.from(webhookEndpoints)
		.where(eq(webhookEndpoints.orgId, orgId))
		.orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
	return found.map(view);
}

/** One endpoint of the organization; another organization's is "not found", like an unknown one. */
export async function requireWebhookEndpoint(
	db: Executor,
	orgId: string,
	id: string,
): Promise<WebhookEndpoint> {
	const [row] = /^[0-9a-f-]{36}$/i.test(id)
		? await db
				.select()
				.from(webhookEndpoints)
				.where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
		: [];
	if (!row)
		throw new OperationError("not_found", `No webhook endpoint ${JSON.stringify(id)} in this organization`);
	return row;
}

/**
 * Pauses or resumes delivery to an endpoint (audited). A resumed endpoint goes on from where it stopped,
 * with its retry delay cleared.
 */
export async function setWebhookEndpointEnabled(
	db: Database,
	input: { orgId: string; id: string; enabled: boolean; actor: OperatorActor },
): Promise<WebhookEndpointView> {
	return db.transaction(async (tx) => {
		const endpoint = await requireWebhookEndpoint(tx, input.orgId, input.id);
		const [row] = await tx
			.update(webhookEndpoints)
			.set({ enabled: input.enabled, nextAttemptAt: null })
			.where(eq(webhookEndpoints.id, endpoint.id))
			.returning();
		if (!row) throw new Error("update returned no webhook endpoint");
		await recordOperatorEvents(tx, input.orgId, input.actor, [
			{
				action: input.enabled ? "WEBHOOK_ENDPOINT_ENABLED" : "WEBHOOK_ENDPOINT_DISABLED",
				entityType: "WebhookEndpoint",
				entityId: row.id,
				entityName: row.url,
			},
		]);
		return view(row);
	});
}

/** Deletes an endpoint and its delivery log (audited). */
export async function deleteWebhookEndpoint(
	db: Database,
	input: { orgId: string; id: string; actor: OperatorActor },
): Promise<void> {
	await db.transaction(async (tx) => {
		const endpoint = await requireWebhookEndpoint(tx, input.orgId, input.id);
		await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
		await recordOperatorEvents(tx, input.orgId, input.actor, [
			{
				action: "WEBHOOK_ENDPOINT_DELETED",
				entityType: "WebhookEndpoint",
				entityId: endpoint.id,
				entityName: endpoint.url,
			},
		]);
	});
}

/** One attempt of the delivery log. */
export interface WebhookDeliveryView {
	id: number;
	messageId: string;
	eventType: string;
	attempt: number;
	replay: boolean;
	ok: boolean;
	statusCode: number | null;
	error: string | null;
	responseBody: string | null;
	durationMs: number;
	createdAt: string;
}

/** An endpoint's delivery attempts, newest first, paged backwards with `before` (a delivery id). */
export async function listWebhookDeliveries(
	db: Executor,
	input: { orgId: string; endpointId: string; limit: number; before?: number },
): Promise<WebhookDeliveryView[]> {
	const endpoint = await requireWebhookEndpoint(db, input.orgId, input.endpointId);
	const found = await db
		.select()
		.from(webhookDeliveries)
		.where(
			and(
				eq(webhookDeliveries.endpointId, endpoint.id),
				input.before === undefined ? undefined : lt(webhookDeliveries.id, input.before),
			),
		)
		.orderBy(desc(webhookDeliveries.id))
		.limit(Math.min(input.limit, DELIVERY_PAGE_MAX));
	return found.map(
		({ endpointId: _endpoint, payload: _payload, throughEventId: _through, createdAt, ...row }) => ({
			...row,
			createdAt: createdAt.toISOString(),
		}),
	);
}
