import { randomUUID } from "node:crypto";
import { type Database, rows, webhookDeliveries } from "@roster/db";
import { and, eq, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import type { Logger } from "../logger.ts";
import { OperationError } from "../operation-error.ts";
import { type PeriodicTask, startPeriodic } from "../periodic.ts";
import {
	countPublishedAfter,
	eventCursor,
	publicEvent,
	publishedAfter,
	publishedEventsAfter,
	summarizePublishedAfter,
} from "./feed.ts";
import { requireWebhookEndpoint, signingSecretOf } from "./webhook-endpoints.ts";
import { type PostResult, postWebhook, type TargetPolicy } from "./webhook-target.ts";

/** Events read per claim of an endpoint. */
const BATCH_SIZE = 100;
/** More events than this waiting for one endpoint are sent as one `events.coalesced` summary (docs/events.md). */
export const DEFAULT_FLOOD_THRESHOLD = 1000;
/** Retries back off up to this delay. */
const MAX_RETRY_DELAY_MS = 3_600_000;
/** A lease outlives a delivery's timeout by this much, so only a dead process loses one. */
const LEASE_MARGIN_MS = 5000;

/** What one delivery attempt came to, for `/metrics`. */
export interface DeliveryOutcome {
	ok: boolean;
	/** Why it failed: the receiver's status class (`4xx`, `5xx`, `3xx`), `timeout` or `network`. */
	failure?: string;
	/** Seconds from the event's commit (its audit timestamp) to the receiver's 2xx. */
	lagSeconds?: number;
}

/** How this process delivers webhooks. */
export interface DeliveryOptions {
	db: Database;
	/** ROSTER_SECRET: opens the endpoints' sealed signing secrets. */
	secret: string;
	policy: TargetPolicy;
	timeoutMs: number;
	retryBaseMs: number;
	floodThreshold?: number;
	onAttempt?: (outcome: DeliveryOutcome) => void;
}

/** One signed message to one endpoint: an event, or the summary of a burst. */
interface Message {
	id: string;
	type: string;
	through: string;
	payload: string;
	occurredAt: string;
}

function messageOf(id: string, type: string, timestamp: string, data: unknown, through: string): Message {
	return { id, type, through, occurredAt: timestamp, payload: JSON.stringify({ id, type, timestamp, data }) };
}

/** The Standard Webhooks headers of a message: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
function signedHeaders(
	signingSecret: string,
	message: Pick<Message, "id" | "payload">,
): Record<string, string> {
	const now = new Date();
	return {
		"webhook-id": message.id,
		"webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
		"webhook-signature": new Webhook(signingSecret).sign(message.id, now, message.payload),
	};
}

function isSuccess(result: PostResult): boolean {
	return result.status !== undefined && result.status >= 200 && result.status < 300;
}

function failureOf(result: PostResult): string {
	if (result.status !== undefined) return `${Math.floor(result.status / 100)}xx`;
	return result.error?.startsWith("no answer within") ? "timeout" : "network";
}

function describeFailure(result: PostResult): string {
	return result.status !== undefined ? `HTTP ${result.status}` : (result.error ?? "failed");
}

/** The messages due for an endpoint: the next events in order, or one summary when a burst is waiting. */
async function nextMessages(
	db: Database,
	endpoint: { orgId: string; cursor: string },
	floodThreshold: number,
): Promise<Message[]> {
	const events = await publishedEventsAfter(db, endpoint.orgId, endpoint.cursor, BATCH_SIZE);
	if (events.length === BATCH_SIZE) {
		const waiting = await countPublishedAfter(db, endpoint.orgId, endpoint.cursor, floodThreshold + 1);
		if (waiting > floodThreshold) {
			const burst = await summarizePublishedAfter(db, endpoint.orgId, endpoint.cursor);
			const from = eventCursor(endpoint.cursor);
			const through = eventCursor(burst.through);
			const data = { after: from, through, counts: burst.counts, feed: `/api/v1/events?after=${from}` };
			return [
				messageOf(
					`sum_${endpoint.cursor}_${burst.through}`,
					"events.coalesced",
					new Date().toISOString(),
					data,
					burst.through,
				),
			];
		}
	}
	return events.map((event) => {
		const shown = publicEvent(event);
		return messageOf(shown.id, shown.type, shown.occurredAt, shown.data, event.id);
	});
}

interface ClaimedEndpoint {
	id: string;
	orgId: string;
	url: string;
	secretSealed: string;
	cursor: string;
	failedAttempts: number;
}

/**
 * Takes one enabled endpoint with published events past its cursor and no retry pending, for this
 * process alone: `skip locked` lets replicas claim different endpoints at once, and the lease (not a
 * held transaction, which would hold back the audit sealer's horizon) keeps others off until it ends.
 */
async function claimEndpoint(
	db: Database,
	token: string,
	leaseMs: number,
): Promise<ClaimedEndpoint | undefined> {
	const [claimed] = await rows<ClaimedEndpoint>(
		db,
		sql`update webhook_endpoints e
			set lease_token = ${token}, lease_until = now() + ${leaseMs} * interval '1 millisecond'
			where e.id = (
				select w.id from webhook_endpoints w
				where w.enabled and (w.lease_until is null or w.lease_until < now())
					and (w.next_attempt_at is null or w.next_attempt_at <= now())
					and exists (select 1 from audit_events where ${publishedAfter(sql`w.org_id`, sql`w.cursor`)})
				order by w.next_attempt_at nulls first, w.id
				limit 1 for update skip locked)
			returning e.id::text as id, e.org_id::text as "orgId", e.url, e.secret_sealed as "secretSealed",
				e.cursor::text as cursor, e.failed_attempts as "failedAttempts"`,
	);
	return claimed;
}

function logRow(endpointId: string, message: Message, attempt: number, result: PostResult, replay: boolean) {
	return {
		endpointId,
		messageId: message.id,
		eventType: message.type,
		throughEventId: Number(message.through),
		attempt,
		replay,
		ok: isSuccess(result),
		statusCode: result.status ?? null,
		error: isSuccess(result) ? null : describeFailure(result),
		responseBody: result.responseBody || null,
		durationMs: result.durationMs,
		payload: message.payload,
	};
}

/**
 * Moves the endpoint past a delivered message (or schedules its retry) and logs the attempt, in one
 * statement: both or neither, as one round trip, and only while `token` still holds the lease. Returns
 * false when another process took the endpoint over (nothing is written then).
 */
async function recordAttempt(
	db: Database,
	endpointId: string,
	token: string,
	leaseMs: number,
	attempt: ReturnType<typeof logRow> & { retryDelayMs: number },
): Promise<boolean> {
	const move = attempt.ok
		? sql`cursor = ${attempt.throughEventId}::bigint, failed_attempts = 0, next_attempt_at = null,
				last_error = null, lease_until = now() + ${leaseMs} * interval '1 millisecond'`
		: sql`failed_attempts = ${attempt.attempt}::int, last_error = ${attempt.error}::text,
				next_attempt_at = now() + ${attempt.retryDelayMs} * interval '1 millisecond',
				lease_token = null, lease_until = null`;
	const [logged] = await rows<{ id: string }>(
		db,
		sql`with held as (
				update webhook_endpoints set ${move} where id = ${endpointId} and lease_token = ${token} returning id
			)
			insert into webhook_deliveries (endpoint_id, message_id, event_type, through_event_id, attempt, replay, ok,
				status_code, error, response_body, duration_ms, payload)
			select held.id, ${attempt.messageId}::text, ${attempt.eventType}::text, ${attempt.throughEventId}::bigint,
				${attempt.attempt}::int, ${attempt.replay}::boolean, ${attempt.ok}::boolean, ${attempt.statusCode}::int,
				${attempt.error}::text, ${attempt.responseBody}::text, ${attempt.durationMs}::int, ${attempt.payload}::text
			from held
			returning id::text as id`,
	);
	return logged !== undefined;
}

/**
 * Delivers a claimed endpoint's due messages in order. After a 2xx, the cursor moves past the message and
 * the attempt is logged in one transaction, still under this process's lease (else another process took
 * over and this one stops). The first failure is logged, schedules a retry with exponential backoff and
 * ends the run: nothing behind it is sent first, so each endpoint hears events in order.
 */
async function deliverEndpoint(
	options: DeliveryOptions,
	endpoint: ClaimedEndpoint,
	token: string,
	leaseMs: number,
) {
	const { db } = options;
	const signingSecret = signingSecretOf(endpoint, options.secret);
	const messages = await nextMessages(db, endpoint, options.floodThreshold ?? DEFAULT_FLOOD_THRESHOLD);
	let attempt = endpoint.failedAttempts + 1;
	for (const message of messages) {
		const result = await postWebhook(endpoint.url, message.payload, signedHeaders(signingSecret, message), {
			...options.policy,
			timeoutMs: options.timeoutMs,
		});
		const ok = isSuccess(result);
		const still = await recordAttempt(db, endpoint.id, token, leaseMs, {
			...logRow(endpoint.id, message, attempt, result, false),
			retryDelayMs: retryDelayMs(options.retryBaseMs, attempt),
		});
		options.onAttempt?.(
			ok
				? { ok, lagSeconds: Math.max(0, (Date.now() - Date.parse(message.occurredAt)) / 1000) }
				: { ok, failure: failureOf(result) },
		);
		if (!ok || !still) return;
		attempt = 1;
	}
	await db.execute(
		sql`update webhook_endpoints set lease_token = null, lease_until = null where id = ${endpoint.id} and lease_token = ${token}`,
	);
}

/** The delay before retry `attempt` (1 = the first retry): `base × 2^(attempt-1)`, capped at an hour. */
export function retryDelayMs(baseMs: number, attempt: number): number {
	return Math.min(baseMs * 2 ** Math.min(attempt - 1, 30), MAX_RETRY_DELAY_MS);
}

/**
 * One delivery pass: claims due endpoints one after another and delivers to each until none is due.
 * Returns how many endpoints it served.
 */
export async function deliverDueWebhooks(options: DeliveryOptions, isStopped: () => boolean = () => false) {
	const token = randomUUID();
	const leaseMs = options.timeoutMs + LEASE_MARGIN_MS;
	let served = 0;
	while (!isStopped()) {
		const endpoint = await claimEndpoint(options.db, token, leaseMs);
		if (!endpoint) break;
		await deliverEndpoint(options, endpoint, token, leaseMs);
		served += 1;
	}
	return served;
}

/** Runs delivery passes every `intervalMs` in the background until stopped. */
export function startWebhookDelivery(
	options: DeliveryOptions & { intervalMs: number; logger: Logger },
): PeriodicTask {
	return startPeriodic({
		intervalMs: options.intervalMs,
		logger: options.logger,
		failure: "webhook delivery failed; retrying",
		run: async (isStopped) => {
			await deliverDueWebhooks(options, isStopped);
		},
	});
}

/**
 * Sends a logged message again now, with its original `webhook-id` (receivers that already have it may
 * drop it) and a fresh signature; the attempt is logged as a replay. The endpoint's cursor is untouched.
 */
export async function replayWebhookDelivery(
	options: DeliveryOptions,
	input: { orgId: string; endpointId: string; deliveryId: number },
): Promise<{ ok: boolean; statusCode: number | null; error: string | null }> {
	const endpoint = await requireWebhookEndpoint(options.db, input.orgId, input.endpointId);
	const [logged] = await options.db
		.select()
		.from(webhookDeliveries)
		.where(and(eq(webhookDeliveries.endpointId, endpoint.id), eq(webhookDeliveries.id, input.deliveryId)));
	if (!logged) throw new OperationError("not_found", `No delivery ${input.deliveryId} of this endpoint`);
	const message: Message = {
		id: logged.messageId,
		type: logged.eventType,
		through: String(logged.throughEventId),
		payload: logged.payload,
		occurredAt: logged.createdAt.toISOString(),
	};
	const result = await postWebhook(
		endpoint.url,
		message.payload,
		signedHeaders(signingSecretOf(endpoint, options.secret), message),
		{ ...options.policy, timeoutMs: options.timeoutMs },
	);
	await options.db.insert(webhookDeliveries).values(logRow(endpoint.id, message, 1, result, true));
	options.onAttempt?.(isSuccess(result) ? { ok: true } : { ok: false, failure: failureOf(result) });
	return {
		ok: isSuccess(result),
		statusCode: result.status ?? null,
		error: isSuccess(result) ? null : describeFailure(result),
	};
}
