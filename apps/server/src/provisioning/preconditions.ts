import { ScimError } from "@roster/scim";
import type { ScimContext } from "./context.ts";

/** The weak ETag of a stored version (RFC 7644 §3.14). */
export function etag(version: number): string {
	return `W/"${version}"`;
}

function tags(header: string): string[] {
	return header.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
}

/** `If-Match` on PUT, PATCH and DELETE: a stale version gets 412 and nothing is written. */
export function assertIfMatch(header: string | undefined, version: number): void {
	if (header === undefined) return;
	const current = `"${version}"`;
	const wanted = tags(header);
	if (!wanted.includes("*") && !wanted.includes(current)) {
		throw new ScimError(412, undefined, `The resource changed: its current version is ${etag(version)}.`);
	}
}

/** `If-None-Match` on GET: true when the client's copy is current (answer 304). */
export function matchesIfNoneMatch(header: string | undefined, version: number): boolean {
	if (header === undefined) return false;
	const wanted = tags(header);
	return wanted.includes("*") || wanted.includes(`"${version}"`);
}

/**
 * A resource belongs to the connection that created it; another connection of the same organization may
 * change it only when the organization allows shared ownership. Unowned resources (made in the console, or
 * left by a deleted connection) are adopted by the first connection that writes them.
 */
export function mayChange(ctx: ScimContext, resource: { connectionId: string | null }): boolean {
	return (
		resource.connectionId === null ||
		resource.connectionId === ctx.actor.connection.id ||
		ctx.actor.organization.allowSharedOwnership
	);
}

/** Refuses, with 409, a write to a resource the connection may not change (`mayChange`). */
export function assertOwnership(
	ctx: ScimContext,
	resource: { connectionId: string | null },
	kind: string,
): void {
	if (mayChange(ctx, resource)) return;
	throw new ScimError(
		409,
		undefined,
		`This ${kind} is managed by another identity provider connection of the organization; enable shared ownership to let "${ctx.actor.connection.name}" change it.`,
	);
}

/**
 * The preconditions of a write to an existing resource, checked on the locked row: the connection may
 * change it (409, `assertOwnership`) and `If-Match` names its version (412, `assertIfMatch`).
 */
export function assertWritable(
	ctx: ScimContext,
	resource: { connectionId: string | null; version: number },
	kind: string,
	ifMatch: string | undefined,
): void {
	assertOwnership(ctx, resource, kind);
	assertIfMatch(ifMatch, resource.version);
}

/** The 404 of a resource the client may not see, whether unknown, malformed, tombstoned or local: one body for all. */
export function notFound(kind: string, id: string): ScimError {
	return new ScimError(404, undefined, `${kind} "${id}" not found.`);
}
