import { ServerResponse } from "node:http";
import { ScimError } from "@roster/scim";
import type { Context } from "hono";

/**
 * Aborts when the client's connection closes before its response was sent. Built from Node's response
 * when @hono/node-server serves the app (reading `c.req.raw.signal` there would build a second, WHATWG
 * request per call), from the request's own signal otherwise.
 */
export function clientSignal(c: Context): AbortSignal {
	const outgoing: unknown = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
	if (!(outgoing instanceof ServerResponse)) return c.req.raw.signal;
	const controller = new AbortController();
	const onClose = () => {
		if (!outgoing.writableFinished) controller.abort();
	};
	if (outgoing.closed || outgoing.destroyed) onClose();
	else outgoing.once("close", onClose);
	return controller.signal;
}

/**
 * Stops a request whose client has gone, at the points where more work would start (a transaction, the
 * next Bulk operation): nobody would read the answer. 499 is what the provisioning log records.
 */
export function abandonIfGone(signal: AbortSignal): void {
	if (signal.aborted) {
		throw new ScimError(499, undefined, "The client closed the connection; the request was abandoned.");
	}
}
