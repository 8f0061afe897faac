import { auditExportQuery, offboardingExportQuery } from "@roster/domain/inputs/audit";
import { type Context, Hono } from "hono";
import type { z } from "zod";
import { filteredAuditExportLines, recordExport } from "../audit/export.ts";
import { offboardingReportLines } from "../audit/offboarding.ts";
import type { OperatorActor } from "../audit/operator-events.ts";
import type { AppDeps } from "../deps.ts";
import type { AppEnv } from "../http/variables.ts";
import { consoleSessionOf } from "./context.ts";

/** Lines are sent in chunks of about this many bytes: few enough writes, and memory stays flat. */
const CHUNK_BYTES = 64 * 1024;

const CONTENT_TYPE = {
	csv: "text/csv; charset=utf-8",
	jsonl: "application/x-ndjson; charset=utf-8",
} as const;

/**
 * A response body that pulls `lines` only as fast as the client reads: each pull takes lines until a
 * chunk is full, so at most one page of events and one chunk are in memory whatever the export's size.
 * A client that goes away stops the generator (and with it the database paging).
 */
function streamOf(
	lines: AsyncGenerator<string>,
	onError: (error: unknown) => void,
): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			let chunk = "";
			try {
				while (chunk.length < CHUNK_BYTES) {
					const next = await lines.next();
					if (next.done) {
						if (chunk) controller.enqueue(encoder.encode(chunk));
						controller.close();
						return;
					}
					chunk += next.value;
				}
				controller.enqueue(encoder.encode(chunk));
			} catch (error) {
				onError(error);
				controller.error(error);
			}
		},
		async cancel() {
			await lines.return(undefined);
		},
	});
}

/** The query string as an object, with the repeatable `action` parameter collected into `actions`. */
function queryOf(c: Context<AppEnv>): Record<string, unknown> {
	const { action: _action, ...single } = c.req.query();
	const actions = c.req.queries("action");
	return actions ? { ...single, actions } : single;
}

/** The filters a download applied, for its audit event: the query without its format. */
function filterOf<T extends { format: string }>(query: T): Omit<T, "format"> {
	const { format: _format, ...filter } = query;
	return filter;
}

type Authorized = { orgId: string; actor: OperatorActor } | Response;

/** The signed-in administrator behind a download, or the JSON 401/403 to answer instead. */
async function administrator(deps: AppDeps, c: Context<AppEnv>): Promise<Authorized> {
	const session = await consoleSessionOf(deps, c);
	if (!session) return c.json({ error: "Sign in first" }, 401);
	if (session.tier !== "ADMIN") return c.json({ error: "Administrators only" }, 403);
	return {
		orgId: session.organizationId,
		actor: { type: "admin", id: session.userId, name: session.userName },
	};
}

function parsed<S extends z.ZodType>(schema: S, c: Context<AppEnv>): z.infer<S> | Response {
	const result = schema.safeParse(queryOf(c));
	if (result.success) return result.data;
	const [issue] = result.error.issues;
	const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
	return c.json({ error: `${where}${issue?.message ?? "Invalid query"}` }, 400);
}

function download(
	c: Context<AppEnv>,
	name: string,
	format: "csv" | "jsonl",
	lines: AsyncGenerator<string>,
): Response {
	const day = new Date().toISOString().slice(0, 10);
	const logger = c.get("logger");
	const body = streamOf(lines, (error) => logger.error({ err: error }, "export failed mid-stream"));
	return new Response(body, {
		headers: {
			"Content-Type": CONTENT_TYPE[format],
			"Content-Disposition": `attachment; filename="roster-${name}-${day}.${format}"`,
			"Cache-Control": "no-store",
			"X-Content-Type-Options": "nosniff",
		},
	});
}

/**
 * The console's download routes (mounted at `/exports`): the audit events and the offboarding report as
 * streamed CSV or JSONL, for signed-in administrators of the organization only, each download recorded
 * as an `AUDIT_EXPORTED` event. tRPC cannot stream a file, hence plain routes beside it.
 */
export function createExportsApp(deps: AppDeps): Hono<AppEnv> {
	const app = new Hono<AppEnv>();

	app.get("/audit", async (c) => {
		const admin = await administrator(deps, c);
		if (admin instanceof Response) return admin;
		const query = parsed(auditExportQuery, c);
		if (query instanceof Response) return query;
		const filter = filterOf(query);
		await recordExport(deps.db.db, admin.orgId, admin.actor, {
			report: "audit",
			format: query.format,
			filter,
		});
		const lines = filteredAuditExportLines(deps.db.db, { orgId: admin.orgId, filter, format: query.format });
		return download(c, "audit", query.format, lines);
	});

	app.get("/offboarding", async (c) => {
		const admin = await administrator(deps, c);
		if (admin instanceof Response) return admin;
		const query = parsed(offboardingExportQuery, c);
		if (query instanceof Response) return query;
		await recordExport(deps.db.db, admin.orgId, admin.actor, {
			report: "offboarding",
			format: query.format,
			filter: filterOf(query),
		});
		const since = query.since === undefined ? undefined : new Date(query.since);
		const lines = offboardingReportLines(deps.db.db, { orgId: admin.orgId, since, format: query.format });
		return download(c, "offboarding", query.format, lines);
	});

	return app;
}
