import type { Database } from "@roster/db";
import {
	AUDIT_CHAIN_GENESIS,
	type AuditChainBreak,
	type AuditChainHead,
	type AuditChainKeyring,
	checkAuditLink,
} from "@roster/domain";
import { sql } from "drizzle-orm";
import { pageAuditEvents } from "./events.ts";

/** An event left unsealed below its chain's head: it was slipped in, or sealed rows were moved past it. */
export interface UnsealedBelowHead {
	eventId: string;
	/** The first sealed event after it. */
	sealedAfter: string;
}

/** Why `audit verify` stopped: a link that does not hold, or an unsealed event inside the sealed chain. */
export type ChainBreak = AuditChainBreak | UnsealedBelowHead;

/** What `audit verify` found for one organization. */
export interface ChainVerification {
	/** Sealed events whose links held, up to the first break. */
	verified: number;
	/** How many of those links each key version sealed (0 = legacy unkeyed sha256). */
	byKeyVersion: Map<number, number>;
	/** Events after the last sealed one (the sealer links them within a second), reported, not judged. */
	unsealed: number;
	/** The hash of the last sealed event: record it elsewhere to detect a truncated tail later. */
	head: string;
	/** The first link that does not hold; undefined when the chain is intact. */
	broken: ChainBreak | undefined;
}

/**
 * Recomputes an organization's chain over its events in id order, read a page at a time and never
 * written to. Sealing only ever appends to a chain, so an unsealed event followed by a sealed one of the
 * same organization is a break, not a pending seal. Stops at the first break: everything after it is
 * unverifiable anyway.
 */
export async function verifyAuditChain(
	db: Database,
	orgId: string,
	keyring: AuditChainKeyring,
): Promise<ChainVerification> {
	let previous: AuditChainHead = AUDIT_CHAIN_GENESIS;
	let verified = 0;
	const byKeyVersion = new Map<number, number>();
	let firstUnsealed: string | undefined;
	let unsealed = 0;
	const result = (broken: ChainBreak | undefined): ChainVerification => ({
		verified,
		byKeyVersion,
		unsealed,
		head: previous.hash,
		broken,
	});
	for await (const event of pageAuditEvents(db, sql`org_id = ${orgId}`)) {
		if (event.hash === null) {
			firstUnsealed ??= event.id;
			unsealed += 1;
			continue;
		}
		if (firstUnsealed !== undefined) return result({ eventId: firstUnsealed, sealedAfter: event.id });
		// A CHECK keeps sealed rows' key version set; were it dropped, -1 is reported as an unknown version.
		const keyVersion = event.keyVersion ?? -1;
		const sealed = { ...event, prevHash: event.prevHash ?? "NULL", hash: event.hash, keyVersion };
		const broken = checkAuditLink(previous, sealed, keyring);
		if (broken) return result(broken);
		verified += 1;
		byKeyVersion.set(keyVersion, (byKeyVersion.get(keyVersion) ?? 0) + 1);
		previous = { hash: event.hash, keyVersion };
	}
	return result(undefined);
}

/** The one line `audit verify` prints for a broken chain. */
export function describeBreak(orgSlug: string, broken: ChainBreak): string {
	const at = `Audit chain of ${orgSlug} is broken at event ${broken.eventId}`;
	if ("sealedAfter" in broken) return `${at}: it is not sealed, but event ${broken.sealedAfter} after it is`;
	return `${at}: ${broken.column} expected ${broken.expected}, found ${broken.found}`;
}

/** `v1 HMAC 120, v0 unkeyed 3`: which key versions sealed the verified links and how many, newest first. */
export function describeKeyVersions(byKeyVersion: ReadonlyMap<number, number>): string {
	const versions = [...byKeyVersion.entries()].sort(([a], [b]) => b - a);
	if (versions.length === 0) return "none";
	return versions
		.map(([version, count]) => `v${version} ${version === 0 ? "unkeyed" : "HMAC"} ${count}`)
		.join(", ");
}
