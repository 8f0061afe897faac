import type { MiddlewareHandler } from "hono";
import type { ScimInstruments } from "../metrics/registry.ts";
import { scimEndpoint } from "./paths.ts";
import type { ScimEnv } from "./variables.ts";

/** Methods counted under their own name; anything else a client sends is `other`, so labels stay bounded. */
const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);

/**
 * Counts and times every SCIM request once answered, refusals included (it runs first). Labels come from
 * what the server decided, never from raw input: the authenticated connection's id (`none` before
 * authentication), the endpoint name (`other` for unknown paths), a known method, the status. A request
 * that deactivated or deleted a user (`endedAccess`) and succeeded is also timed as a deprovisioning.
 */
export function scimRequestMetrics(instruments: ScimInstruments): MiddlewareHandler<ScimEnv> {
	return async function measureScimRequest(c, next) {
		const started = performance.now();
		await next();
		const seconds = (performance.now() - started) / 1000;
		const method = METHODS.has(c.req.method) ? c.req.method : "other";
		const resource = scimEndpoint(c.req.path) ?? "other";
		const status = c.res.status;
		const connection = c.get("scim")?.connection.id ?? "none";
		instruments.requests.inc({ connection, resource, method, status });
		instruments.duration.observe({ resource, method }, seconds);
		if (status < 400 && c.get("scimLog")?.endedAccess) {
			instruments.deprovisionDuration.observe({ method }, seconds);
		}
	};
}
