import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Field, TextInput } from "../../ui/field.tsx";
import { Notice } from "../../ui/notice.tsx";
import { SimpleTable } from "../../ui/simple-table.tsx";
import { formatDuration } from "../../ui/time.ts";
import type { ConnectionTestResult } from "./types.ts";

function TestSteps({ result }: { result: ConnectionTestResult }) {
	return (
		<div className="flex flex-col gap-2">
			<Notice
				tone={result.ok ? "success" : "danger"}
				title={result.ok ? "The round trip worked" : "The round trip failed"}
			>
				Token <code>{result.token.prefix}…</code> ({result.token.state}). An IdP with this token gets the same
				answers.
			</Notice>
			<SimpleTable
				caption="Connection test steps"
				headers={["Step", "Status", "Latency", "Result"]}
				rows={result.steps.map((step) => ({
					key: step.path,
					cells: [
						<span key="step">
							<span className="block">{step.name}</span>
							<code className="text-xs break-all text-slate-600">
								{step.method} {decodeURIComponent(step.path)}
							</code>
						</span>,
						<Badge key="status" tone={step.ok ? "success" : "danger"}>
							{step.status}
						</Badge>,
						formatDuration(step.durationMs),
						step.detail,
					],
				}))}
			/>
		</div>
	);
}

/**
 * "Test connection": the server runs a real, read-only SCIM round trip with a token of this connection
 * (the one just created, kept only in this dialog's memory, or one pasted in) and shows each step.
 */
export function TestConnectionPanel({
	connectionId,
	token: knownToken,
}: {
	connectionId: string;
	token?: string;
}) {
	const trpc = useTRPC();
	const [pasted, setPasted] = useState("");
	const test = useMutation(trpc.connections.test.mutationOptions());
	const token = knownToken ?? pasted;
	function submit(event: FormEvent) {
		event.preventDefault();
		test.mutate({ connectionId, token });
	}
	return (
		<form className="flex flex-col gap-3" onSubmit={submit} noValidate>
			{knownToken === undefined && (
				<Field
					label="Token to test"
					hint="Paste a token of this connection; it is sent to this server only and never stored."
				>
					{(control) => (
						<TextInput
							{...control}
							type="password"
							autoComplete="off"
							value={pasted}
							onChange={(event) => setPasted(event.target.value)}
						/>
					)}
				</Field>
			)}
			<div>
				<Button type="submit" busy={test.isPending} busyLabel="Testing…" disabled={token.trim() === ""}>
					Test connection
				</Button>
			</div>
			{test.isError && <Notice tone="danger">{errorMessage(test.error)}</Notice>}
			{test.isSuccess && <TestSteps result={test.data} />}
		</form>
	);
}
