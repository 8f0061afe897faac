import { userIdInput, userListInput } from "@roster/domain/inputs/users";
import type { TRPCRouterRecord } from "@trpc/server";
import { getDirectoryUser, listDirectoryUsers } from "../users/directory.ts";
import { endSessionsOfUser } from "../users/end-sessions.ts";
import { adminProcedure } from "./trpc.ts";

/** Users: search, a user's page with the reason for every grant, their sessions. */
export const usersRouter = {
	/** A keyset page of the organization's users: search box or SCIM filter, facets, server-side sort. */
	list: adminProcedure
		.input(userListInput)
		.query(({ ctx, input }) => listDirectoryUsers(ctx.db, ctx.organization, input)),
	/** One user: profile, source, tier and project roles with the explanation of every grant, groups, live sessions. */
	get: adminProcedure
		.input(userIdInput)
		.query(({ ctx, input }) => getDirectoryUser(ctx.db, ctx.organization, input.id)),
	/** Ends every session of a user, audited; answers how many ended. */
	endSessions: adminProcedure
		.input(userIdInput)
		.mutation(({ ctx, input }) =>
			endSessionsOfUser(ctx.db, { organization: ctx.organization, actor: ctx.actor, userId: input.id }),
		),
} satisfies TRPCRouterRecord;
