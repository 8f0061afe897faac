import type { RoleMapping } from "@roster/db";
import { groupOptionsInput, mappingChangeInput } from "@roster/domain/inputs/mappings";
import { TRPCError, type TRPCRouterRecord } from "@trpc/server";
import { listMappingsWithGrants, mappableGroups } from "../access/mapping-reads.ts";
import {
	type MappingProgress,
	previewMappingChange,
	type RoleMappingResult,
	saveMappingChange,
} from "../access/mappings.ts";
import type { Logger } from "../logger.ts";
import { adminProcedure } from "./trpc.ts";

function mappingJson(mapping: RoleMapping) {
	return { ...mapping, createdAt: mapping.createdAt.toISOString() };
}

function resultJson(result: RoleMappingResult) {
	return {
		mapping: mappingJson(result.mapping),
		usersRecomputed: result.usersRecomputed,
		usersChanged: result.usersChanged,
		impact: result.impact,
		/** Set when the recompute runs as a background job (shown on the Jobs screen). */
		job: result.job ?? null,
	};
}

/** What `mappings.save` streams: progress while the one transaction recomputes, then the saved result. */
type MappingSaveEvent =
	| ({ kind: "progress" } & MappingProgress)
	| ({ kind: "saved" } & ReturnType<typeof resultJson>);

/**
 * Runs a save and answers once it reported its first progress (the mapping is written, so every expected
 * refusal is behind it) or ended: a refusal before that is thrown from the procedure itself and mapped
 * like any other; afterwards the events stream. A failure mid-stream is logged and answered as a bare
 * 500 with the request id, the same as the procedures' error mapping does.
 */
async function saveStream(
	run: (onProgress: (progress: MappingProgress) => void) => Promise<RoleMappingResult>,
	context: { logger: Logger; requestId: string },
): Promise<AsyncGenerator<MappingSaveEvent, void>> {
	const events: MappingSaveEvent[] = [];
	let failure: { error: unknown } | undefined;
	let wake: (() => void) | undefined;
	const push = (event: MappingSaveEvent) => {
		events.push(event);
		wake?.();
	};
	const ready = () =>
		new Promise<void>((resolve) => {
			if (events.length > 0 || failure) resolve();
			else wake = resolve;
		});
	void run((progress) => push({ kind: "progress", ...progress })).then(
		(result) => push({ kind: "saved", ...resultJson(result) }),
		(error: unknown) => {
			failure = { error };
			wake?.();
		},
	);
	await ready();
	if (events.length === 0 && failure) throw failure.error;
	return (async function* () {
		for (;;) {
			await ready();
			wake = undefined;
			for (let event = events.shift(); event !== undefined; event = events.shift()) {
				yield event;
				if (event.kind === "saved") return;
			}
			if (failure) {
				context.logger.error({ err: failure.error, requestId: context.requestId }, "mapping save failed");
				throw new TRPCError({
					code: "INTERNAL_SERVER_ERROR",
					message: `Internal error (request ${context.requestId})`,
				});
			}
		}
	})();
}

/** Role mappings, the group picker and the impact preview of a change before it is saved. */
export const mappingsRouter = {
	/** The organization's mappings in rank order, each with how many users it grants to now. */
	list: adminProcedure.query(async ({ ctx }) => {
		const { mappings, total } = await listMappingsWithGrants(ctx.db, ctx.organization);
		return {
			mappings: mappings.map((mapping) => ({ ...mappingJson(mapping), usersGranted: mapping.usersGranted })),
			total,
			projectRoles: ctx.organization.projectRoles,
		};
	}),

	/** Provisioned groups matching a search by displayName or externalId, for the editor's picker. */
	groupOptions: adminProcedure
		.input(groupOptionsInput)
		.query(({ ctx, input }) => mappableGroups(ctx.db, ctx.organization, input.search)),

	/**
	 * Who a proposed create, update or delete would move, computed by running it and rolling it back. A
	 * mutation, not a query: it takes the organization's mapping lock while it runs.
	 */
	preview: adminProcedure
		.input(mappingChangeInput)
		.mutation(({ ctx, input }) =>
			previewMappingChange(ctx.db, { organization: ctx.organization, change: input }),
		),

	/**
	 * Saves a change in one audited transaction, streaming recompute progress (every 5,000 users) and then
	 * the result with its impact. Needs a streaming link (`httpBatchStreamLink`).
	 */
	save: adminProcedure
		.input(mappingChangeInput)
		.mutation(({ ctx, input }) =>
			saveStream(
				(onProgress) =>
					saveMappingChange(
						ctx.db,
						{ organization: ctx.organization, change: input, actor: ctx.actor },
						{ onProgress, jobThreshold: ctx.config.recomputeJobThreshold },
					),
				ctx,
			),
		),
} satisfies TRPCRouterRecord;
