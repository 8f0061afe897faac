import type { Database } from "@roster/db";
import type { ProjectionOptions } from "@roster/scim";
import { type Context, Hono } from "hono";
import { inputSyntax } from "../connections/settings.ts";
import { getGroup, listGroups } from "../groups/read.ts";
import { type GroupResult, projectGroup } from "../groups/resource.ts";
import { createGroup, deleteGroup, patchGroup, replaceGroup } from "../groups/write.ts";
import { parseListQuery } from "../provisioning/lists.ts";
import { etag, matchesIfNoneMatch } from "../provisioning/preconditions.ts";
import { readScimBody } from "./body.ts";
import { scimContext } from "./context.ts";
import { listResponse, scimResponse } from "./respond.ts";
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
		const query = parseListQuery(params, deps.secret, inputSyntax(c.get("scim").settings));
		const page = await listGroups(scimContext(c, deps), query);
		return scimResponse(
			c,
			200,
			listResponse(
				page.resources,
				page.totalResults,
				page.startIndex,
				page.nextCursor ? { nextCursor: page.nextCursor } : {},
			),
		);
	};

	const body = async (c: Context<ScimEnv>) => {
		const parsed = await readScimBody(c);
		c.get("scimLog").requestBody = parsed;
		return parsed;
	};

	routes.get("/Groups", (c) => list(c, c.req.query()));
	routes.post("/Groups/.search", async (c) => {
		const parsed = await body(c);
		return list(c, typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {});
	});
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
		const result = await createGroup(scimContext(c, deps), await body(c), view);
		return respondWith(c, 201, result, view);
	});
	routes.put("/Groups/:id", async (c) => {
		const view = requestedView(c) ?? {};
		const ctx = scimContext(c, deps);
		const result = await replaceGroup(ctx, c.req.param("id"), await body(c), c.req.header("if-match"), view);
		return respondWith(c, 200, result, view);
	});
	routes.patch("/Groups/:id", async (c) => {
		const view = requestedView(c);
		const ctx = scimContext(c, deps);
		const result = await patchGroup(ctx, c.req.param("id"), await body(c), c.req.header("if-match"), view);
		if (!view) return c.body(null, 204, { ETag: etag(result.group.version) });
		return respondWith(c, 200, result, view);
	});
	routes.delete("/Groups/:id", async (c) => {
		await deleteGroup(scimContext(c, deps), c.req.param("id"), c.req.header("if-match"));
		return c.body(null, 204);
	});
	return routes;
}
