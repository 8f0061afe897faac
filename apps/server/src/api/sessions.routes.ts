import type { Executor } from "@roster/db";
import { Hono } from "hono";
import { validateSessionInOrganization } from "../sessions/validate.ts";
import { readJsonObject } from "./body.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./variables.ts";

/**
 * `POST /sessions/validate` `{ "token": "rst_sess_…" }`: whether a session token is live right now, and
 * for whom. Always 200 with `valid` for a well-formed request; a session of another organization's user
 * is `{ valid: false }`, indistinguishable from an unknown one.
 */
export function sessionsRoutes(options: { db: Executor; secret: string }): Hono<ApiEnv> {
	const routes = new Hono<ApiEnv>();

	routes.post("/sessions/validate", async (c) => {
		const body = await readJsonObject(c);
		const token = body.token;
		if (typeof token !== "string" || token === "") {
			throw new ApiError(400, "invalid_request", 'The body must be { "token": "<session token>" }.');
		}
		const orgId = c.get("appKey").organization.id;
		const resolved = await validateSessionInOrganization(options.db, token, options.secret, orgId);
		if (!resolved) return c.json({ valid: false });
		const { user, session } = resolved;
		return c.json({
			valid: true,
			user: { id: user.id, userName: user.userName, active: user.active, tier: user.tier },
			expiresAt: session.expiresAt.toISOString(),
		});
	});

	return routes;
}
