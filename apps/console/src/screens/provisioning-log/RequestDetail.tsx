import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { Notice } from "../../ui/notice.tsx";
import { Facts } from "../../ui/page.tsx";
import { QueryView } from "../../ui/query-view.tsx";
import { formatDateTime, formatDuration } from "../../ui/time.ts";
import { statusTone } from "./status.ts";

function Body({ title, value }: { title: string; value: unknown }) {
	return (
		<section>
			<h3 className="text-sm font-semibold text-slate-800">{title}</h3>
			{value === null || value === undefined ? (
				<p className="text-sm text-slate-600">No body.</p>
			) : (
				<pre className="mt-1 max-h-72 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-all">
					{JSON.stringify(value, null, 2)}
				</pre>
			)}
		</section>
	);
}

/**
 * One SCIM request in a dialog: what happened step by step, the quirks Roster tolerated, the bodies
 * (stored with secrets redacted) fetched only now, and for an error what it means and the likely fix.
 */
export function RequestDetail({ id, onClose }: { id: string; onClose: () => void }) {
	const trpc = useTRPC();
	const detail = useQuery(trpc.provisioningLog.get.queryOptions({ id }));
	return (
		<Dialog open onOpenChange={(open) => !open && onClose()} title={`Request ${id}`} wide>
			<QueryView query={detail} loadingLabel="Loading the request…">
				{(entry) => (
					<div className="flex flex-col gap-4">
						{entry.explanation && (
							<Notice tone={entry.status >= 500 ? "danger" : "warning"} title={entry.explanation.title}>
								<p>{entry.explanation.meaning}</p>
								<p className="mt-1">
									<strong>Likely fix:</strong> {entry.explanation.fix}
								</p>
							</Notice>
						)}
						<Facts
							items={[
								{ label: "Time", value: formatDateTime(entry.occurredAt) },
								{ label: "Connection", value: entry.connection?.name ?? "—" },
								{ label: "Request", value: <code>{`${entry.method} ${entry.path}`}</code> },
								{
									label: "Status",
									value: (
										<Badge tone={statusTone(entry.status)}>
											{entry.status}
											{entry.scimType ? ` ${entry.scimType}` : ""}
										</Badge>
									),
								},
								{ label: "Latency", value: formatDuration(entry.durationMs) },
								{ label: "Request id", value: entry.requestId ?? "—" },
							]}
						/>
						<section>
							<h3 className="text-sm font-semibold text-slate-800">Steps</h3>
							<ol className="mt-1 list-decimal pl-5 text-sm text-slate-800">
								<li>
									Received <code>{`${entry.method} ${entry.path}`}</code> at{" "}
									{formatDateTime(entry.occurredAt)}
								</li>
								<li>Authenticated as connection {entry.connection?.name ?? "(deleted)"}</li>
								{entry.quirks.length > 0 && (
									<li>
										Tolerated IdP quirks:{" "}
										{entry.quirks.map((quirk) => (
											<code key={quirk} className="mr-1 rounded bg-slate-100 px-1">
												{quirk}
											</code>
										))}
									</li>
								)}
								<li>
									Answered {entry.status}
									{entry.scimType ? ` (${entry.scimType})` : ""} after {formatDuration(entry.durationMs)}
								</li>
							</ol>
						</section>
						<Body title="Request body (redacted)" value={entry.requestBody} />
						<Body title="Response body (redacted)" value={entry.responseBody} />
					</div>
				)}
			</QueryView>
		</Dialog>
	);
}
