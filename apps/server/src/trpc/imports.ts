import { userImportIdInput, userImportInput, userImportRowsInput } from "@roster/domain/inputs/imports";
import type { TRPCRouterRecord } from "@trpc/server";
import { getUserImport, listUserImportRows } from "../imports/results.ts";
import { startUserImport } from "../imports/start.ts";
import { adminProcedure } from "./trpc.ts";

/** User imports: start one from a file into a connection, follow its progress, read its rows' outcomes. */
export const importsRouter = {
	/** Checks the file (a bad one is refused with its row and column) and queues the import job. */
	start: adminProcedure.input(userImportInput).mutation(({ ctx, input }) =>
		startUserImport(ctx.db, {
			organization: ctx.organization,
			actor: ctx.actor,
			connection: { connectionId: input.connectionId },
			content: input.content,
		}),
	),
	/** An import's progress and its rows counted by outcome. */
	get: adminProcedure
		.input(userImportIdInput)
		.query(({ ctx, input }) => getUserImport(ctx.db, ctx.organization.id, input.id)),
	/** A page of an import's rows with their outcome and error. */
	rows: adminProcedure
		.input(userImportRowsInput)
		.query(({ ctx, input }) => listUserImportRows(ctx.db, ctx.organization.id, input)),
} satisfies TRPCRouterRecord;
