import { groupIdInput, groupListInput, groupMembersInput } from "@roster/domain/inputs/groups";
import type { TRPCRouterRecord } from "@trpc/server";
import { getDirectoryGroup, listDirectoryGroups, listGroupMembers } from "../groups/directory.ts";
import { adminProcedure } from "./trpc.ts";

/** Groups: search, members, the mappings that use them. */
export const groupsRouter = {
	/** A keyset page of the organization's groups with member counts: search box or SCIM filter, sort. */
	list: adminProcedure
		.input(groupListInput)
		.query(({ ctx, input }) => listDirectoryGroups(ctx.db, ctx.organization, input)),
	/** One group: names, connection, member count and the role mappings that match it. */
	get: adminProcedure
		.input(groupIdInput)
		.query(({ ctx, input }) => getDirectoryGroup(ctx.db, ctx.organization, input.id)),
	/** A page of a group's members (50, keyset), fast on a 100,000-member group. */
	members: adminProcedure
		.input(groupMembersInput)
		.query(({ ctx, input }) => listGroupMembers(ctx.db, ctx.organization, input)),
} satisfies TRPCRouterRecord;
