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
 * change it only when the organization allows shared ownership. Unowned resources (made in the console)
 * are adopted by the first connection that writes them.
 */
export function assertOwnership(
	ctx: ScimContext,
	resource: { connectionId: string | null },
	kind: string,
): void {
	if (resource.connectionId === null || resource.connectionId === ctx.actor.connection.id) return;
	if (ctx.actor.organization.allowSharedOwnership) return;
	throw new ScimError(
		409,
		undefined,
		`This ${kind} is managed by another identity provider connection of the organization; enable shared ownership to let "${ctx.actor.connection.name}" change it.`,
	);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Resource ids are UUIDs; anything else cannot exist, so it is a 404 without a query. */
export function isResourceId(id: string): boolean {
	return UUID.test(id);
}

export function notFound(kind: string, id: string): ScimError {
	return new ScimError(404, undefined, `${kind} "${id}" not found.`);
}
