import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Field, TextInput } from "../../ui/field.tsx";
import { Notice } from "../../ui/notice.tsx";
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
			<div className="overflow-x-auto rounded-md border border-slate-200">
				<table className="w-full min-w-max border-collapse text-left text-sm">
					<caption className="sr-only">Connection test steps</caption>
					<thead className="bg-slate-50 text-xs tracking-wide text-slate-600 uppercase">
						<tr>
							<th scope="col" className="px-3 py-2 font-semibold">
								Step
							</th>
							<th scope="col" className="px-3 py-2 font-semibold">
								Status
							</th>
							<th scope="col" className="px-3 py-2 font-semibold">
								Latency
							</th>
							<th scope="col" className="px-3 py-2 font-semibold">
								Result
							</th>
						</tr>
					</thead>
					<tbody>
						{result.steps.map((step) => (
							<tr key={step.path} className="border-t border-slate-200">
								<td className="px-3 py-2">
									<span className="block">{step.name}</span>
									<code className="text-xs text-slate-600 break-all">
										{step.method} {step.path}
									</code>
								</td>
								<td className="px-3 py-2">
									<Badge tone={step.ok ? "success" : "danger"}>{step.status}</Badge>
								</td>
								<td className="px-3 py-2">{formatDuration(step.durationMs)}</td>
								<td className="px-3 py-2">{step.detail}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
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
