import { readFile, stat } from "node:fs/promises";
import type { Database, Organization } from "@roster/db";
import { MAX_IMPORT_BYTES } from "@roster/domain/inputs/imports";
import { driveUserImport } from "../imports/drive.ts";
import { listUserImportRows, type UserImportView } from "../imports/results.ts";
import { startUserImport } from "../imports/start.ts";
import { OperationError } from "../operation-error.ts";
import { requireOrganization } from "../organizations/organizations.ts";
import type { Command } from "./command.ts";
import { need } from "./flags.ts";
import { type ProgressLine, progressLine } from "./progress.ts";

/** Row errors printed after a waited import; the rest are in the console. */
const ERRORS_SHOWN = 20;

async function readImportFile(path: string): Promise<string> {
	try {
		// Checked before reading, so a huge file is refused without loading it.
		if ((await stat(path)).size > MAX_IMPORT_BYTES) {
			throw new OperationError("invalid", `The file is larger than ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB`);
		}
		return await readFile(path, "utf8");
	} catch (error) {
		if (error instanceof OperationError) throw error;
		throw new OperationError(
			"invalid",
			`Cannot read --file ${path}: ${(error as NodeJS.ErrnoException).code}`,
		);
	}
}

function describeProgress({ job }: UserImportView): string {
	const total = job.total ?? 0;
	const percent = total === 0 ? 100 : Math.floor((job.done / total) * 100);
	return `Importing users: ${job.done}/${total} rows (${percent}%)`;
}

async function waitedImport(
	db: Database,
	organization: Organization,
	jobId: string,
	progress: ProgressLine,
): Promise<string[]> {
	const view = await driveUserImport(db, {
		orgId: organization.id,
		jobId,
		onProgress: (current) => progress.update(describeProgress(current)),
	});
	progress.end();
	if (view.job.status === "failed") {
		throw new OperationError("conflict", `Import ${jobId} failed: ${view.job.error ?? "unknown error"}`);
	}
	const { created, updated, unchanged, error } = view.counts;
	const errors = await listUserImportRows(db, organization.id, {
		id: jobId,
		errorsOnly: true,
		limit: ERRORS_SHOWN,
	});
	return [
		`Import ${jobId} finished: ${created} created, ${updated} updated, ${unchanged} unchanged, ${error} errors`,
		...errors.map((row) => `  row ${row.rowNumber} (${row.userName}): ${row.error}`),
		...(error > errors.length ? [`  … and ${error - errors.length} more errors`] : []),
	];
}

/** Users: bulk import into a connection, as a background job. */
export const userCommands: Command[] = [
	{
		name: "users import",
		usage: [
			{ flag: "org", value: "SLUG", required: true },
			{ flag: "connection", value: "NAME", required: true },
			{ flag: "file", value: "PATH", required: true },
			{ flag: "wait" },
		],
		description:
			"import users from a CSV or JSON file into a connection as a background job; --wait runs it here and shows progress",
		transaction: false,
		async run({ db, values, stdout }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const content = await readImportFile(need(values, "file"));
			const started = await startUserImport(db, {
				organization,
				actor: { type: "system", name: "cli" },
				connection: { connectionName: need(values, "connection") },
				content,
			});
			if (values.wait === undefined) {
				return [`Import ${started.jobId} queued: ${started.rows} rows; a Roster server's worker runs it`];
			}
			stdout.write(`Import ${started.jobId} started: ${started.rows} rows\n`);
			return waitedImport(db, organization, started.jobId, progressLine(stdout));
		},
	},
];
