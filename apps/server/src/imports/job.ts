import {
	type Job,
	organizations,
	scimConnections,
	type Transaction,
	type UserImportRow,
	userImportRows,
	users,
} from "@roster/db";
import { PATCH_OP_SCHEMA, ScimError } from "@roster/scim";
import { and, asc, eq, gte, isNull, sql } from "drizzle-orm";
import { idpManaged } from "../access/idp-managed.ts";
import { readConnectionSettings, responseProfile } from "../connections/settings.ts";
import type { JobHandler, JobStep } from "../jobs/worker.ts";
import type { ScimContext } from "../provisioning/context.ts";
import { createUser, patchUser } from "../users/write.ts";

export const USER_IMPORT_JOB = "user-import";

/** Rows applied per chunk (one transaction): small enough to stay far inside the job's lease. */
export const IMPORT_CHUNK_ROWS = 100;

/** What a user import job carries: the connection its users belong to. The rows are in `user_import_rows`. */
export interface UserImportPayload {
	connectionId: string;
	connectionName: string;
}

const USER_AGENT = "Roster user import";

/**
 * The IdP context an import writes in: the import's connection acts, exactly as when its IdP pushes the
 * users, but inside the chunk's transaction (each row's write is a savepoint of it) and without a token.
 */
async function importContext(tx: Transaction, job: Job): Promise<Omit<ScimContext, "notes">> {
	const { connectionId } = job.payload as unknown as UserImportPayload;
	if (!job.orgId) throw new Error("a user import job has no organization");
	const [found] = await tx
		.select({ organization: organizations, connection: scimConnections })
		.from(scimConnections)
		.innerJoin(organizations, eq(organizations.id, scimConnections.orgId))
		.where(and(eq(scimConnections.id, connectionId), eq(scimConnections.orgId, job.orgId)));
	if (!found) throw new Error("the connection of this import no longer exists");
	const settings = readConnectionSettings(found.connection.settings);
	return {
		db: tx,
		actor: { ...found, token: null, settings },
		// The answers' `meta.location`, never sent anywhere; the secret signs list cursors, and no list is read.
		base: `/organizations/${found.organization.slug}/scim/v2`,
		secret: "",
		profile: responseProfile(settings, USER_AGENT),
		request: { requestId: `job:${job.id}`, ip: undefined, userAgent: USER_AGENT },
		// No client can go away mid-write: the job's lease fences a worker that stopped instead.
		signal: new AbortController().signal,
	};
}

type RowOutcome = Pick<UserImportRow, "outcome" | "userId" | "error">;

/**
 * Applies one row through the SCIM user operations: a userName the organization does not hold is a
 * create (restoring the connection's tombstone with the same externalId); one the connection may change
 * is a PATCH replacing the attributes the row names, others kept. SCIM's refusals (another connection's
 * or a local user, a value that cannot be stored) are the row's error; the import goes on.
 */
async function applyRow(
	tx: Transaction,
	base: Omit<ScimContext, "notes">,
	row: UserImportRow,
): Promise<RowOutcome> {
	const ctx: ScimContext = { ...base, notes: { receivedAt: new Date() } };
	try {
		const [existing] = await tx
			.select({ id: users.id, version: users.version })
			.from(users)
			.where(
				and(
					eq(users.orgId, ctx.actor.organization.id),
					sql`lower(${users.userName}) = lower(${row.userName})`,
					eq(users.isDeleted, false),
					idpManaged(),
				),
			);
		if (!existing) {
			const created = await createUser(ctx, row.resource);
			return { outcome: "created", userId: created.user.id, error: null };
		}
		const { schemas: _schemas, ...attributes } = row.resource;
		const patch = { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: "replace", value: attributes }] };
		const { user } = await patchUser(ctx, existing.id, patch, undefined);
		return {
			outcome: user.version === existing.version ? "unchanged" : "updated",
			userId: user.id,
			error: null,
		};
	} catch (error) {
		if (error instanceof ScimError) return { outcome: "error", userId: null, error: error.detail };
		throw error;
	}
}

/**
 * The user import job: each chunk applies the next rows in row order and stores each row's outcome, in
 * the chunk's transaction with the checkpoint, so a chunk replayed after a crash finds only the rows that
 * did not commit (`outcome is null`) and applies nothing twice. An unexpected failure rolls the chunk back
 * and the queue retries it.
 */
export const userImportJob: JobHandler = {
	kind: USER_IMPORT_JOB,
	async step(tx, job): Promise<JobStep> {
		const next = Number(job.checkpoint?.nextRow ?? 1);
		const chunk = await tx
			.select()
			.from(userImportRows)
			.where(
				and(
					eq(userImportRows.jobId, job.id),
					gte(userImportRows.rowNumber, next),
					isNull(userImportRows.outcome),
				),
			)
			.orderBy(asc(userImportRows.rowNumber))
			.limit(IMPORT_CHUNK_ROWS);
		const ctx = await importContext(tx, job);
		for (const row of chunk) {
			const outcome = await applyRow(tx, ctx, row);
			await tx
				.update(userImportRows)
				.set(outcome)
				.where(and(eq(userImportRows.jobId, job.id), eq(userImportRows.rowNumber, row.rowNumber)));
		}
		const done = job.done + chunk.length;
		const total = job.total ?? done;
		return {
			checkpoint: { nextRow: (chunk.at(-1)?.rowNumber ?? next - 1) + 1 },
			done,
			total,
			finished: chunk.length < IMPORT_CHUNK_ROWS || done >= total,
		};
	},
};
