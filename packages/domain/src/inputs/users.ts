import { z } from "zod";
import { accessTiers } from "../access/tiers.ts";
import { MAX_PAGE_SIZE, pageCursor, recordId, searchMode, sortDirection } from "./directory.ts";

/** Columns the user list sorts by on the server (each has an index with the id as tie-breaker). */
export const userSortKeys = ["userName", "displayName", "tier", "created", "updated", "active"] as const;
export type UserSortKey = (typeof userSortKeys)[number];

/**
 * The user list: a search (substring of userName, email, displayName, externalId — or a SCIM filter
 * such as `userName sw "a" and active eq true`), optional facet filters, a sort and a keyset cursor.
 */
export const userListInput = z.object({
	search: z.string().trim().max(1000).default(""),
	mode: searchMode,
	active: z.boolean().optional(),
	tier: z.enum(accessTiers).optional(),
	connectionId: z.uuid().optional(),
	sort: z.enum(userSortKeys).default("userName"),
	direction: sortDirection,
	limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
	cursor: pageCursor,
});
export type UserListInput = z.input<typeof userListInput>;

/** One user, by id. */
export const userIdInput = z.object({ id: recordId });
