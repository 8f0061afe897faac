import type { Database } from "@roster/db";
import { type Context, Hono } from "hono";
import { etag, matchesIfNoneMatch } from "../provisioning/preconditions.ts";
import { deleteUser } from "../users/lifecycle.ts";
import { getUser, listUsers } from "../users/read.ts";
import { projectUser, type UserResult } from "../users/resource.ts";
import { createUser, patchUser, replaceUser } from "../users/write.ts";
import { scimContext } from "./context.ts";
import { scimResponse } from "./respond.ts";
import { listPageResponse, listQuery, loggedBody, searchParams } from "./route-io.ts";
import type { ScimEnv } from "./variables.ts";
import { requestedView } from "./view.ts";

/** `/Users` (RFC 7644 §3): thin HTTP glue over the users operations, which Bulk calls too. */
export function usersRoutes(deps: { db: Database; secret: string }): Hono<ScimEnv> {
	const routes = new Hono<ScimEnv>();

	const respondWith = (c: Context<ScimEnv>, status: 200 | 201, result: UserResult) => {
		const headers: Record<string, string> = { ETag: etag(result.user.version) };
		if (status === 201) headers.Location = `${c.get("scimBase")}/Users/${result.user.id}`;
		return scimResponse(c, status, projectUser(requestedView(c) ?? {}, result.resource), headers);
	};

	const list = async (c: Context<ScimEnv>, params: Record<string, unknown>) => {
		const query = listQuery(c, params, deps.secret);
		return listPageResponse(c, await listUsers(scimContext(c, deps), query));
	};

	routes.get("/Users", (c) => list(c, c.req.query()));
	routes.post("/Users/.search", async (c) => list(c, await searchParams(c)));
	routes.get("/Users/:id", async (c) => {
		const result = await getUser(scimContext(c, deps), c.req.param("id"));
		if (matchesIfNoneMatch(c.req.header("if-none-match"), result.user.version)) {
			return c.body(null, 304, { ETag: etag(result.user.version) });
		}
		return respondWith(c, 200, result);
	});
	routes.post("/Users", async (c) => {
		const body = await loggedBody(c);
		return respondWith(c, 201, await createUser(scimContext(c, deps), body));
	});
	routes.put("/Users/:id", async (c) => {
		const body = await loggedBody(c);
		const result = await replaceUser(scimContext(c, deps), c.req.param("id"), body, c.req.header("if-match"));
		return respondWith(c, 200, result);
	});
	routes.patch("/Users/:id", async (c) => {
		const body = await loggedBody(c);
		const ctx = scimContext(c, deps);
		const result = await patchUser(ctx, c.req.param("id"), body, c.req.header("if-match"));
		if (ctx.actor.settings.userPatchResponse === "204") {
			return c.body(null, 204, { ETag: etag(result.user.version) });
		}
		return respondWith(c, 200, result);
	});
	routes.delete("/Users/:id", async (c) => {
		await deleteUser(scimContext(c, deps), c.req.param("id"), c.req.header("if-match"));
		return c.body(null, 204);
	});
	return routes;
}
