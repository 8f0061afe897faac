import { type Executor, type Organization, userImportRows } from "@roster/db";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { type ConnectionRef, requireConnection } from "../connections/connections.ts";
import { enqueueJob } from "../jobs/queue.ts";
import { USER_IMPORT_JOB, type UserImportPayload } from "./job.ts";
import { parseUserImport } from "./parse.ts";

/** Rows per insert statement while storing a file: well under PostgreSQL's 65,535 parameters. */
const INSERT_BATCH_ROWS = 1000;

export interface StartedUserImport {
	jobId: string;
	rows: number;
}

/**
 * Starts importing a file of users into one SCIM connection of the organization: the file is read and
 * checked first (a bad file is refused with its row and column, and nothing is stored), then the job, its
 * rows and the audit event commit in one transaction. The job (`userImportJob`) applies the rows.
 */
export async function startUserImport(
	db: Executor,
	input: { organization: Organization; actor: OperatorActor; connection: ConnectionRef; content: string },
): Promise<StartedUserImport> {
	const parsed = parseUserImport(input.content);
	return db.transaction(async (tx) => {
		const connection = await requireConnection(tx, input.organization, input.connection);
		const payload: UserImportPayload = { connectionId: connection.id, connectionName: connection.name };
		const job = await enqueueJob(tx, {
			kind: USER_IMPORT_JOB,
			orgId: input.organization.id,
			payload: { ...payload },
			total: parsed.length,
			createdBy: input.actor.name,
		});
		if (!job) throw new Error("a user import job was not enqueued");
		for (let start = 0; start < parsed.length; start += INSERT_BATCH_ROWS) {
			await tx.insert(userImportRows).values(
				parsed.slice(start, start + INSERT_BATCH_ROWS).map((row) => ({
					jobId: job.id,
					rowNumber: row.rowNumber,
					userName: row.userName,
					resource: row.resource,
				})),
			);
		}
		await recordOperatorEvents(tx, input.organization.id, input.actor, [
			{
				action: "USER_IMPORT_STARTED",
				entityType: "ScimConnection",
				entityId: connection.id,
				entityName: connection.name,
				metadata: { jobId: job.id, rows: parsed.length },
			},
		]);
		return { jobId: job.id, rows: parsed.length };
	});
}
