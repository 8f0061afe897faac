import type { Database } from "@roster/db";
import { AUDIT_GENESIS_HASH, type AuditChainBreak, checkAuditLink } from "@roster/domain";
import { sql } from "drizzle-orm";
import { pageAuditEvents } from "./events.ts";

/** What `audit verify` found for one organization. */
export interface ChainVerification {
	/** Sealed events whose links held, up to the first break. */
	verified: number;
	/** Events not sealed yet (the sealer links them within a second), reported, not judged. */
	unsealed: number;
	/** The hash of the last sealed event: record it elsewhere to detect a truncated tail later. */
	head: string;
	/** The first link that does not hold; undefined when the chain is intact. */
	broken: AuditChainBreak | undefined;
}

/**
 * Recomputes an organization's chain over its sealed events in id order, read a page at a time and
 * never written to. Stops at the first broken link: everything after it is unverifiable anyway.
 */
export async function verifyAuditChain(db: Database, orgId: string): Promise<ChainVerification> {
	let head = AUDIT_GENESIS_HASH;
	let verified = 0;
	let unsealed = 0;
	for await (const event of pageAuditEvents(db, sql`org_id = ${orgId}`)) {
		if (event.hash === null) {
			unsealed += 1;
			continue;
		}
		const broken = checkAuditLink(head, { ...event, prevHash: event.prevHash ?? "NULL", hash: event.hash });
		if (broken) return { verified, unsealed, head, broken };
		verified += 1;
		head = event.hash;
	}
	return { verified, unsealed, head, broken: undefined };
}

/** The one line `audit verify` prints for a broken chain. */
export function describeBreak(orgSlug: string, broken: AuditChainBreak): string {
	return (
		`Audit chain of ${orgSlug} is broken at event ${broken.eventId}: ` +
		`${broken.column} expected ${broken.expected}, found ${broken.found}`
	);
}
