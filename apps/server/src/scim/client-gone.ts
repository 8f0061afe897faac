import { ServerResponse } from "node:http";
import type { Context } from "hono";

/**
 * Aborts when the client's connection closes before its response was sent (operations stop on it with
 * `abandonIfGone`). Built from Node's response when @hono/node-server serves the app (reading
 * `c.req.raw.signal` there would build a second, WHATWG request per call), from the request's own signal
 * otherwise.
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
