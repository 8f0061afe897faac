import type { Database } from "@roster/db";
import { ScimError } from "@roster/scim";
import { Hono } from "hono";
import { listGroups } from "../groups/read.ts";
import type { ScimContext } from "../provisioning/context.ts";
import type { ListQuery, ListResult } from "../provisioning/lists.ts";
import { listUsers } from "../users/read.ts";
import { scimContext } from "./context.ts";
import { listResponse, scimResponse } from "./respond.ts";
import { listQuery, searchParams } from "./route-io.ts";
import type { ScimEnv } from "./variables.ts";

type Lister = (ctx: ScimContext, query: ListQuery) => Promise<ListResult>;

/** Users first, then Groups: the order of the concatenated result set root searches page through. */
const RESOURCE_LISTERS: Lister[] = [listUsers, listGroups];

/**
 * Counts one resource type's matches. A filter naming an attribute that type lacks cannot match any of its
 * resources, so its `invalidFilter` means "none here"; it is an error only when no type accepts the filter.
 */
async function countMatches(ctx: ScimContext, query: ListQuery, list: Lister): Promise<number | ScimError> {
	try {
		return (await list(ctx, { ...query, count: 0 })).totalResults;
	} catch (error) {
		if (error instanceof ScimError && error.scimType === "invalidFilter") return error;
		throw error;
	}
}

/**
 * `POST /.search` at the service root (RFC 7644 §3.4.3): one result set over every resource type, paged with
 * startIndex/count across the boundary between types. Sorting and cursors need one ordering over all types,
 * which SCIM does not define, so they are offered per resource type (`/Users/.search`, `/Groups/.search`).
 */
export function searchRoutes(deps: { db: Database; secret: string }): Hono<ScimEnv> {
	const routes = new Hono<ScimEnv>();
	routes.post("/.search", async (c) => {
		const query = listQuery(c, await searchParams(c), deps.secret);
		if (query.sortBy || query.cursor) {
			throw new ScimError(
				400,
				"invalidValue",
				"sortBy and cursor are supported per resource type: use /Users/.search or /Groups/.search.",
			);
		}
		const ctx = scimContext(c, deps);
		const counts = await Promise.all(RESOURCE_LISTERS.map((list) => countMatches(ctx, query, list)));
		if (counts.every((count) => count instanceof ScimError)) throw counts[0];
		let skip = query.startIndex - 1;
		let room = query.count;
		let totalResults = 0;
		const resources: unknown[] = [];
		for (const [index, list] of RESOURCE_LISTERS.entries()) {
			const total = counts[index];
			if (typeof total !== "number") continue;
			totalResults += total;
			if (room > 0 && skip < total) {
				const page = await list(ctx, { ...query, startIndex: skip + 1, count: Math.min(room, total - skip) });
				resources.push(...page.resources);
				room -= page.resources.length;
			}
			skip = Math.max(0, skip - total);
		}
		return scimResponse(c, 200, listResponse(resources, totalResults, query.startIndex));
	});
	return routes;
}
