import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from "@roster/domain/inputs/imports";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Field, Select, TextInput } from "../../ui/field.tsx";
import { Notice } from "../../ui/notice.tsx";
import { ErrorState, Loading } from "../../ui/query-view.tsx";
import { SimpleTable } from "../../ui/simple-table.tsx";

/** How often the dialog reads a running import's progress. */
const POLL_MS = 1000;
/** Row errors listed in the dialog; the count says how many there are in all. */
const ERRORS_SHOWN = 100;

/** Picks the connection and the file, and starts the import (the server checks the file first). */
function ImportForm({ onStarted }: { onStarted: (jobId: string) => void }) {
	const trpc = useTRPC();
	const connections = useQuery(trpc.connections.list.queryOptions());
	const [connectionId, setConnectionId] = useState("");
	const [file, setFile] = useState<File | null>(null);
	const [problem, setProblem] = useState<string | undefined>();
	const start = useMutation(
		trpc.imports.start.mutationOptions({
			onSuccess: (started) => onStarted(started.jobId),
			onError: (error) => setProblem(errorMessage(error)),
		}),
	);
	const chosen = connectionId || connections.data?.connections[0]?.id || "";

	async function submit(event: FormEvent) {
		event.preventDefault();
		setProblem(undefined);
		if (!file) return setProblem("Choose a CSV or JSON file.");
		if (file.size > MAX_IMPORT_BYTES) return setProblem("The file is larger than 8 MiB.");
		start.mutate({ connectionId: chosen, content: await file.text() });
	}

	if (connections.isPending) return <Loading label="Loading connections…" />;
	if (connections.isError)
		return <ErrorState error={connections.error} onRetry={() => void connections.refetch()} />;
	if (connections.data.connections.length === 0) {
		return (
			<Notice tone="warning">
				Add a connection under SSO & provisioning first: imported users belong to one.
			</Notice>
		);
	}
	return (
		<form className="flex flex-col gap-4" noValidate onSubmit={(event) => void submit(event)}>
			<Field
				label="Connection"
				hint="The imported users are this connection's, as if its identity provider had sent them."
			>
				{(control) => (
					<Select {...control} value={chosen} onChange={(event) => setConnectionId(event.target.value)}>
						{connections.data.connections.map((connection) => (
							<option key={connection.id} value={connection.id}>
								{connection.name}
							</option>
						))}
					</Select>
				)}
			</Field>
			<Field
				label="File"
				hint={`CSV with a header row (userName, email, givenName, familyName, displayName, externalId, active) or JSON; up to ${MAX_IMPORT_ROWS.toLocaleString()} rows.`}
			>
				{(control) => (
					<TextInput
						{...control}
						type="file"
						accept=".csv,.json,text/csv,application/json"
						onChange={(event) => setFile(event.target.files?.[0] ?? null)}
					/>
				)}
			</Field>
			{problem && (
				<Notice tone="danger" title="The file was not imported">
					{problem}
				</Notice>
			)}
			<div className="flex justify-end">
				<Button type="submit" variant="primary" busy={start.isPending} busyLabel="Checking the file…">
					Start import
				</Button>
			</div>
		</form>
	);
}

/** A started import: its progress while it runs, then its counts and the rows that failed. */
function ImportProgress({ jobId }: { jobId: string }) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const current = useQuery(
		trpc.imports.get.queryOptions(
			{ id: jobId },
			{
				refetchInterval: (query) => {
					const status = query.state.data?.job.status;
					return status === "succeeded" || status === "failed" ? false : POLL_MS;
				},
			},
		),
	);
	const finished = current.data?.job.status === "succeeded" || current.data?.job.status === "failed";
	const failedRows = useQuery(
		trpc.imports.rows.queryOptions(
			{ id: jobId, errorsOnly: true, limit: ERRORS_SHOWN },
			{ enabled: finished && (current.data?.counts.error ?? 0) > 0 },
		),
	);
	// The directory behind the dialog shows the imported users once, when the import ends.
	const refreshed = useRef(false);
	useEffect(() => {
		if (!finished || refreshed.current) return;
		refreshed.current = true;
		void queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
	}, [finished, queryClient, trpc]);

	if (current.isPending) return <Loading label="Loading the import…" />;
	if (current.isError) return <ErrorState error={current.error} onRetry={() => void current.refetch()} />;
	const { job, counts, connectionName } = current.data;
	const total = job.total ?? 0;
	return (
		<div className="flex flex-col gap-4">
			<div className="flex flex-col gap-1">
				<label htmlFor={`import-${jobId}`} className="text-sm font-medium text-slate-800">
					{job.status === "queued" && job.done === 0
						? `Waiting for a worker to start importing ${total} rows into ${connectionName}…`
						: `Imported ${job.done} of ${total} rows into ${connectionName}`}
				</label>
				<progress id={`import-${jobId}`} className="w-full" value={job.done} max={Math.max(total, 1)} />
			</div>
			{job.status === "failed" && (
				<Notice tone="danger" title="The import stopped">
					{job.error ?? "It failed after its last retry."} Rows applied before it stopped stay applied.
				</Notice>
			)}
			{job.status === "succeeded" && (
				<Notice tone={counts.error > 0 ? "warning" : "success"} title="Import finished">
					{counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged, {counts.error}{" "}
					{counts.error === 1 ? "error" : "errors"}.
				</Notice>
			)}
			{failedRows.data && failedRows.data.length > 0 && (
				<SimpleTable
					caption={`Rows that failed${counts.error > ERRORS_SHOWN ? ` (the first ${ERRORS_SHOWN} of ${counts.error})` : ""}`}
					headers={["Row", "User name", "Error"]}
					rows={failedRows.data.map((row) => ({
						key: String(row.rowNumber),
						cells: [row.rowNumber, row.userName, row.error],
					}))}
				/>
			)}
		</div>
	);
}

/** "Import users": upload a CSV or JSON file into a connection, then follow the background job. */
export function ImportUsersDialog({
	open,
	onOpenChange,
}: {
	open: boolean;
	onOpenChange: (open: boolean) => void;
}) {
	const [jobId, setJobId] = useState<string | null>(null);
	return (
		<Dialog
			open={open}
			onOpenChange={(next) => {
				onOpenChange(next);
				if (!next) setJobId(null);
			}}
			title="Import users"
			description="The file is checked first; then a background job applies it row by row, each row as a SCIM create or update."
			wide
		>
			{jobId ? <ImportProgress jobId={jobId} /> : <ImportForm onStarted={setJobId} />}
		</Dialog>
	);
}
