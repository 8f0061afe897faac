import type { Database } from "@roster/db";
import { Hono } from "hono";
import { createGroup, deleteGroup, patchGroup, replaceGroup } from "../groups/write.ts";
import type { Logger } from "../logger.ts";
import { deleteUser } from "../users/lifecycle.ts";
import { createUser, patchUser, replaceUser } from "../users/write.ts";
import { type BulkResourceHandlers, runBulk } from "./bulk.ts";
import { scimContext } from "./context.ts";
import { SCIM_LIMITS } from "./limits.ts";
import { type ScimRateLimits, spendConnectionBudget } from "./rate-limit.ts";
import { scimResponse } from "./respond.ts";
import { loggedBody } from "./route-io.ts";
import type { ScimEnv } from "./variables.ts";

const usersHandlers: BulkResourceHandlers = {
	create: async (ctx, data) => {
		const { user } = await createUser(ctx, data);
		return { id: user.id, version: user.version };
	},
	replace: async (ctx, id, data, ifMatch) => ({
		version: (await replaceUser(ctx, id, data, ifMatch)).user.version,
	}),
	patch: async (ctx, id, data, ifMatch) => ({
		version: (await patchUser(ctx, id, data, ifMatch)).user.version,
	}),
	remove: (ctx, id, ifMatch) => deleteUser(ctx, id, ifMatch),
};

/** Bulk answers carry no resource bodies, so group writes never read their member lists back. */
const WITHOUT_MEMBERS = { excludedAttributes: "members" };

const groupsHandlers: BulkResourceHandlers = {
	create: async (ctx, data) => {
		const { group } = await createGroup(ctx, data, WITHOUT_MEMBERS);
		return { id: group.id, version: group.version };
	},
	replace: async (ctx, id, data, ifMatch) => ({
		version: (await replaceGroup(ctx, id, data, ifMatch, WITHOUT_MEMBERS)).group.version,
	}),
	patch: async (ctx, id, data, ifMatch) => ({
		version: (await patchGroup(ctx, id, data, ifMatch)).group.version,
	}),
	remove: (ctx, id, ifMatch) => deleteGroup(ctx, id, ifMatch),
};

/**
 * What a Bulk spends of its connection's budget beyond the unit its request paid: one per further
 * operation. Nothing when there are more operations than allowed, since `runBulk` refuses those (413).
 */
function furtherOperations(body: unknown): number {
	const operations = (body as { Operations?: unknown } | null)?.Operations;
	if (!Array.isArray(operations) || operations.length > SCIM_LIMITS.bulkMaxOperations) return 0;
	return operations.length - 1;
}

/** `POST /Bulk` (RFC 7644 §3.7) over the same operations as the resource routes, charged per operation. */
export function bulkRoutes(deps: {
	db: Database;
	secret: string;
	logger: Logger;
	rateLimits: ScimRateLimits;
}): Hono<ScimEnv> {
	const routes = new Hono<ScimEnv>();
	const handlers: Record<string, BulkResourceHandlers> = { Users: usersHandlers, Groups: groupsHandlers };
	routes.post("/Bulk", async (c) => {
		const body = await loggedBody(c, SCIM_LIMITS.bulkMaxPayloadSize);
		await spendConnectionBudget(deps.rateLimits, c, furtherOperations(body));
		return scimResponse(c, 200, await runBulk(scimContext(c, deps), body, handlers, deps.logger));
	});
	return routes;
}
