import { type Database, rows, type Transaction } from "@roster/db";
import {
	AUDIT_GENESIS_HASH,
	type AuditChainKey,
	type AuditChainKeyring,
	auditEventHash,
} from "@roster/domain";
import { sql } from "drizzle-orm";
import type { Logger } from "../logger.ts";
import { startPeriodic } from "../periodic.ts";
import { selectAuditEvents } from "./events.ts";
import { type HorizonMark, markHorizon, markStillOpen } from "./horizon.ts";

/** One key for every replica: whoever holds it is the only sealer for the length of one batch. */
const SEALER_LOCK = sql`pg_try_advisory_xact_lock(7305126837)`;
const BATCH_SIZE = 1000;
const POLL_MS = 20;

/**
 * Links every unsealed event with an id up to `horizon` into its organization's chain with the keyring's
 * current key, a batch per transaction, paging through the unsealed events in id order. Returns how many
 * events it sealed, or undefined when another sealer held the lock (it will get there).
 */
async function sealUpTo(
	db: Database,
	keyring: AuditChainKeyring,
	horizon: string,
): Promise<number | undefined> {
	let sealed = 0;
	let after = "0";
	for (;;) {
		const batch = await db.transaction((tx) => sealBatch(tx, keyring.current, after, horizon));
		if (batch === undefined) return sealed === 0 ? undefined : sealed;
		sealed += batch.sealed;
		if (batch.next === undefined) return sealed;
		after = batch.next;
	}
}

/**
 * Seals one page of unsealed events, each linked to its own organization's head: there is no global
 * resume point, so a forged row with a huge id in one organization never holds back another. An event
 * below its organization's head (slipped in behind the trigger's back, which `audit verify` reports as a
 * break) cannot be linked in order; it is skipped, and the page cursor moves past it, so it stalls neither
 * its organization's newer events nor anyone else's. `next` is the cursor of the following page, if any.
 */
async function sealBatch(
	tx: Transaction,
	key: AuditChainKey,
	after: string,
	horizon: string,
): Promise<{ sealed: number; next: string | undefined } | undefined> {
	const [lock] = await rows<{ locked: boolean }>(tx, sql`select ${SEALER_LOCK} as locked`);
	if (lock?.locked !== true) return undefined;
	const events = await selectAuditEvents(
		tx,
		sql`hash is null and id > ${after}::bigint and id <= ${horizon}::bigint`,
		BATCH_SIZE,
	);
	const heads = new Map<string, ChainHead>();
	const links: { id: string; prev_hash: string; hash: string }[] = [];
	for (const event of events) {
		const head = heads.get(event.orgId) ?? (await chainHead(tx, event.orgId));
		if (BigInt(event.id) < BigInt(head.id)) {
			heads.set(event.orgId, head);
			continue;
		}
		const hash = auditEventHash(key, head.hash, event);
		links.push({ id: event.id, prev_hash: head.hash, hash });
		heads.set(event.orgId, { id: event.id, hash });
	}
	if (links.length > 0) {
		await tx.execute(sql`update audit_events e
			set prev_hash = l.prev_hash, hash = l.hash, chain_key_version = ${key.version}
			from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as l(id bigint, prev_hash text, hash text)
			where e.id = l.id and e.hash is null`);
	}
	return { sealed: links.length, next: events.length < BATCH_SIZE ? undefined : events.at(-1)?.id };
}

interface ChainHead {
	id: string;
	hash: string;
}

/**
 * An organization's newest sealed event (id 0 and the genesis hash before its first): one index scan. The
 * ORDER BY names the table column: a bare `id` sorts by the text alias, so "999" would beat "1000".
 */
async function chainHead(tx: Transaction, orgId: string): Promise<ChainHead> {
	const [head] = await rows<ChainHead>(
		tx,
		sql`select id::text as id, hash from audit_events
			where org_id = ${orgId} and hash is not null order by audit_events.id desc limit 1`,
	);
	return head ?? { id: "0", hash: AUDIT_GENESIS_HASH };
}

/**
 * Seals everything committed before the call: takes a horizon, waits (up to `waitMs`) for the
 * transactions that might still commit an event below it, then seals up to it. For the CLI, tests and
 * shutdown; the server's periodic sealer never waits. Returns the number of events sealed, 0 when the
 * wait ran out.
 */
export async function sealAuditEvents(
	db: Database,
	keyring: AuditChainKeyring,
	options: { waitMs?: number } = {},
): Promise<number> {
	const mark = await markHorizon(db);
	const deadline = Date.now() + (options.waitMs ?? 5000);
	while (await markStillOpen(db, mark)) {
		if (Date.now() >= deadline) return 0;
		await new Promise((resolve) => setTimeout(resolve, POLL_MS));
	}
	return (await sealUpTo(db, keyring, mark.lastId)) ?? 0;
}

/** Unsealed events are counted up to this many: past it the count only says "at least this far behind". */
const BACKLOG_COUNT_CAP = 100_000;

/**
 * How far sealing is behind, for `/metrics`: the unsealed events (up to `BACKLOG_COUNT_CAP`) and the age in
 * seconds of the oldest one (0 when none). Both read only the partial index of unsealed events, so the cost
 * is bounded by the backlog, never the trail. An event the sealer skips as out of order stays unsealed and
 * ages, which is the signal wanted: `audit verify` reports it as a break.
 */
export async function sealingBacklog(db: Database): Promise<{ unsealed: number; oldestAgeSeconds: number }> {
	const [backlog] = await rows<{ unsealed: number; age: number | null }>(
		db,
		sql`select
			(select count(*) from (select 1 from audit_events where hash is null limit ${BACKLOG_COUNT_CAP}) u)::int as unsealed,
			extract(epoch from now() - (select occurred_at from audit_events where hash is null order by id limit 1))::float8 as age`,
	);
	return { unsealed: backlog?.unsealed ?? 0, oldestAgeSeconds: Math.max(0, backlog?.age ?? 0) };
}

/** The server's background sealer. */
export interface AuditSealer {
	/** Stops the timer, lets a running tick finish, then attempts one last seal (bounded wait). */
	stop(): Promise<void>;
}

/**
 * Seals every `intervalMs` without ever making a SCIM write wait: each tick checks whether the horizon
 * taken on an earlier tick has become final (its in-flight transactions have ended), seals up to it, and
 * takes the next one. A horizon with nothing in flight is final at once; an unchanged one is not sealed
 * twice, so an idle server costs two catalog reads per tick. The timer is unref'd so it
 * never keeps the process alive; failures are logged and the next tick tries again.
 */
export function startAuditSealer(options: {
	db: Database;
	keyring: AuditChainKeyring;
	intervalMs: number;
	logger: Logger;
}): AuditSealer {
	const { db, keyring, intervalMs, logger } = options;
	let pending: HorizonMark | undefined;
	let sealedThrough: string | undefined;

	async function tick(): Promise<void> {
		let horizon: string | undefined;
		if (pending && !(await markStillOpen(db, pending))) {
			horizon = pending.lastId;
			pending = undefined;
		}
		if (!pending) {
			const mark = await markHorizon(db);
			if (mark.inFlight.length === 0) horizon = mark.lastId;
			else pending = mark;
		}
		if (horizon === undefined || horizon === sealedThrough) return;
		if ((await sealUpTo(db, keyring, horizon)) !== undefined) sealedThrough = horizon;
	}

	const ticks = startPeriodic({ intervalMs, logger, failure: "audit sealing failed; retrying", run: tick });
	return {
		async stop() {
			await ticks.stop();
			await sealAuditEvents(db, keyring, { waitMs: 2000 }).catch((error: unknown) =>
				logger.warn({ err: error }, "final audit seal failed; the next start will seal the rest"),
			);
		},
	};
}
