import type { Executor } from "@roster/db";
import { Hono } from "hono";
import { readUserAccess, type UserSelector } from "../access/check.ts";
import { ApiError } from "./errors.ts";
import type { ApiEnv } from "./variables.ts";

const MAX_USER_NAME_LENGTH = 1024;

/**
 * `GET /users/{id}/access` and `GET /users/access?userName=…`: the stored access decision of a user of
 * the key's organization. Users of other organizations are 404, exactly like unknown ones.
 */
export function usersRoutes(options: { db: Executor }): Hono<ApiEnv> {
	const routes = new Hono<ApiEnv>();

	async function answer(orgId: string, selector: UserSelector, described: string) {
		const access = await readUserAccess(options.db, orgId, selector);
		if (!access) throw new ApiError(404, "not_found", `No user ${described} in this organization.`);
		return access;
	}

	routes.get("/users/access", async (c) => {
		const userName = c.req.query("userName");
		if (userName === undefined || userName.trim() === "") {
			throw new ApiError(400, "invalid_request", "Give the user as ?userName=… or use /users/{id}/access.");
		}
		if (userName.length > MAX_USER_NAME_LENGTH) {
			throw new ApiError(
				400,
				"invalid_request",
				`userName is longer than ${MAX_USER_NAME_LENGTH} characters.`,
			);
		}
		const orgId = c.get("appKey").organization.id;
		return c.json(await answer(orgId, { userName }, `named ${JSON.stringify(userName)}`));
	});

	routes.get("/users/:id/access", async (c) => {
		const id = c.req.param("id");
		const orgId = c.get("appKey").organization.id;
		return c.json(await answer(orgId, { id }, `with id ${JSON.stringify(id)}`));
	});

	return routes;
}
