import { z } from "zod";
import { MAX_PAGE_SIZE, pageCursor, recordId, searchMode, sortDirection } from "./directory.ts";

/** Columns the group list sorts by on the server. */
export const groupSortKeys = ["displayName", "created", "updated"] as const;
export type GroupSortKey = (typeof groupSortKeys)[number];

/** The group list: a search (substring of displayName or externalId, or a SCIM filter), a sort and a cursor. */
export const groupListInput = z.object({
	search: z.string().trim().max(1000).default(""),
	mode: searchMode,
	sort: z.enum(groupSortKeys).default("displayName"),
	direction: sortDirection,
	limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
	cursor: pageCursor,
});
export type GroupListInput = z.input<typeof groupListInput>;

/** One group, by id. */
export const groupIdInput = z.object({ id: recordId });

/** How many members one page of a group's member table shows. */
export const GROUP_MEMBERS_PAGE = 50;

/** A page of a group's members, in a stable keyset order. */
export const groupMembersInput = z.object({ id: recordId, cursor: pageCursor });
