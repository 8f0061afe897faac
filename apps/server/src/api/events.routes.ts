import type { Database } from "@roster/db";
import { Hono } from "hono";
import { FEED_MAX_LIMIT, readEventFeed } from "../events/feed.ts";
import { OperationError } from "../operation-error.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./variables.ts";

function parseLimit(text: string | undefined): number | undefined {
	if (text === undefined) return undefined;
	const limit = /^[0-9]{1,4}$/.test(text) ? Number(text) : Number.NaN;
	if (!(limit >= 1 && limit <= FEED_MAX_LIMIT)) {
		throw new ApiError(400, "invalid_request", `limit must be an integer from 1 to ${FEED_MAX_LIMIT}.`);
	}
	return limit;
}

/**
 * `GET /events?after=…&limit=…`: the key's organization's provisioning events in commit-safe order, for
 * host applications that poll instead of (or besides) receiving webhooks.
 */
export function eventsRoutes(options: { db: Database }): Hono<ApiEnv> {
	const routes = new Hono<ApiEnv>();
	routes.get("/events", async (c) => {
		const limit = parseLimit(c.req.query("limit"));
		const after = c.req.query("after");
		const orgId = c.get("appKey").organization.id;
		try {
			return c.json(await readEventFeed(options.db, orgId, { after, limit }));
		} catch (error) {
			if (error instanceof OperationError) throw new ApiError(400, "invalid_request", error.message);
			throw error;
		}
	});
	return routes;
}
