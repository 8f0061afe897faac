import type { Database } from "@roster/db";
import type { ProjectionOptions } from "@roster/scim";
import { type Context, Hono } from "hono";
import { getGroup, listGroups } from "../groups/read.ts";
import { type GroupResult, projectGroup } from "../groups/resource.ts";
import { createGroup, deleteGroup, patchGroup, replaceGroup } from "../groups/write.ts";
import { etag, matchesIfNoneMatch } from "../provisioning/preconditions.ts";
import { scimContext } from "./context.ts";
import { scimResponse } from "./respond.ts";
import { listPageResponse, listQuery, loggedBody, searchParams } from "./route-io.ts";
import type { ScimEnv } from "./variables.ts";
import { requestedView } from "./view.ts";

/** `/Groups` (RFC 7644 §3): thin HTTP glue over the groups operations, which Bulk calls too. */
export function groupsRoutes(deps: { db: Database; secret: string }): Hono<ScimEnv> {
	const routes = new Hono<ScimEnv>();

	const respondWith = (
		c: Context<ScimEnv>,
		status: 200 | 201,
		result: GroupResult,
		view: ProjectionOptions,
	) => {
		const headers: Record<string, string> = { ETag: etag(result.group.version) };
		if (status === 201) headers.Location = `${c.get("scimBase")}/Groups/${result.group.id}`;
		return scimResponse(c, status, projectGroup(view, result.resource), headers);
	};

	const list = async (c: Context<ScimEnv>, params: Record<string, unknown>) => {
		const query = listQuery(c, params, deps.secret);
		return listPageResponse(c, await listGroups(scimContext(c, deps), query));
	};

	routes.get("/Groups", (c) => list(c, c.req.query()));
	routes.post("/Groups/.search", async (c) => list(c, await searchParams(c)));
	routes.get("/Groups/:id", async (c) => {
		const view = requestedView(c) ?? {};
		const result = await getGroup(scimContext(c, deps), c.req.param("id"), view);
		if (matchesIfNoneMatch(c.req.header("if-none-match"), result.group.version)) {
			return c.body(null, 304, { ETag: etag(result.group.version) });
		}
		return respondWith(c, 200, result, view);
	});
	routes.post("/Groups", async (c) => {
		const view = requestedView(c) ?? {};
		const result = await createGroup(scimContext(c, deps), await loggedBody(c), view);
		return respondWith(c, 201, result, view);
	});
	routes.put("/Groups/:id", async (c) => {
		const view = requestedView(c) ?? {};
		const ctx = scimContext(c, deps);
		const body = await loggedBody(c);
		const result = await replaceGroup(ctx, c.req.param("id"), body, c.req.header("if-match"), view);
		return respondWith(c, 200, result, view);
	});
	routes.patch("/Groups/:id", async (c) => {
		const view = requestedView(c);
		const ctx = scimContext(c, deps);
		const body = await loggedBody(c);
		const result = await patchGroup(ctx, c.req.param("id"), body, c.req.header("if-match"), view);
		if (!view) return c.body(null, 204, { ETag: etag(result.group.version) });
		return respondWith(c, 200, result, view);
	});
	routes.delete("/Groups/:id", async (c) => {
		await deleteGroup(scimContext(c, deps), c.req.param("id"), c.req.header("if-match"));
		return c.body(null, 204);
	});
	return routes;
}
