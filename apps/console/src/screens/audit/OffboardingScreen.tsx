import type { AppRouter } from "@roster/server/trpc";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { inferRouterOutputs } from "@trpc/server";
import { type FormEvent, useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { fieldErrorsOf } from "../../ui/errors.ts";
import { Field, TextInput } from "../../ui/field.tsx";
import { Page, Section } from "../../ui/page.tsx";
import { Pager, useCursorPager } from "../../ui/pager.tsx";
import { EmptyState, ErrorState, Loading } from "../../ui/query-view.tsx";
import { formatDateTime, formatDuration } from "../../ui/time.ts";
import { localToIso } from "../../ui/time-range-fields.tsx";
import { ExportLinks } from "./export-links.tsx";

type Leaver = inferRouterOutputs<AppRouter>["audit"]["offboarding"]["rows"][number];

function seconds(value: number | null): string {
	return value === null ? "—" : formatDuration(value * 1000);
}

const columns: ColumnDef<Leaver, unknown>[] = [
	{
		header: "User",
		id: "user",
		cell: ({ row }) =>
			row.original.userId ? (
				<a className="text-accent-700 hover:underline" href={`/users/${row.original.userId}`}>
					{row.original.userName ?? row.original.userId}
				</a>
			) : (
				(row.original.userName ?? "—")
			),
	},
	{
		header: "Kind",
		id: "kind",
		cell: ({ row }) => (
			<Badge tone={row.original.action === "SCIM_USER_DELETED" ? "danger" : "warning"}>
				{row.original.action === "SCIM_USER_DELETED" ? "Deleted" : "Deprovisioned"}
			</Badge>
		),
	},
	{ header: "Connection", id: "connection", cell: ({ row }) => row.original.connection ?? "—" },
	{ header: "Requested", id: "requested", cell: ({ row }) => formatDateTime(row.original.requestedAt) },
	{ header: "Access ended", id: "ended", cell: ({ row }) => formatDateTime(row.original.accessEndedAt) },
	{ header: "Time to end", id: "seconds", cell: ({ row }) => seconds(row.original.secondsToAccessEnd) },
	{ header: "Sessions killed", id: "sessions", cell: ({ row }) => row.original.sessionsKilled ?? "—" },
	{
		header: "Evidence",
		id: "evidence",
		cell: ({ row }) => (
			<span className="text-xs">
				event {row.original.eventId}
				{row.original.eventHash ? (
					<code className="ml-1" title={row.original.eventHash}>
						{row.original.eventHash.slice(0, 12)}…
					</code>
				) : (
					" (not sealed yet)"
				)}
			</span>
		),
	},
];

/** The offboarding report: every leaver with when the IdP asked, when access ended, and what was cut. */
export function OffboardingScreen() {
	const trpc = useTRPC();
	const [sinceDraft, setSinceDraft] = useState("");
	const [since, setSince] = useState<string | undefined>();
	const pager = useCursorPager<string>();
	const report = useQuery({
		...trpc.audit.offboarding.queryOptions({ since, cursor: pager.cursor, limit: 50 }),
		placeholderData: keepPreviousData,
	});
	const sinceError = fieldErrorsOf(report.error).since?.join(" ");

	function submit(event: FormEvent) {
		event.preventDefault();
		setSince(localToIso(sinceDraft));
		pager.reset();
	}

	return (
		<Page
			title="Offboarding report"
			description="Evidence that leavers lost access: for each user the IdP deprovisioned or deleted, when it asked, when Roster ended access and sessions, and the audit event that proves it."
			actions={
				<>
					<Link
						to="/audit"
						className="rounded-md px-3 py-2 text-sm font-medium text-accent-700 hover:bg-accent-50"
					>
						Back to audit
					</Link>
					<ExportLinks path="/exports/offboarding" filter={{ since }} what="report" />
				</>
			}
		>
			<Section title="Window">
				<form onSubmit={submit} className="flex flex-wrap items-end gap-3">
					<Field label="Since" error={sinceError}>
						{(control) => (
							<TextInput
								{...control}
								type="datetime-local"
								value={sinceDraft}
								onChange={(event) => setSinceDraft(event.target.value)}
							/>
						)}
					</Field>
					<Button type="submit" variant="primary">
						Apply
					</Button>
				</form>
			</Section>
			{report.isPending ? (
				<Loading label="Loading the report…" />
			) : report.isError && !report.data ? (
				<ErrorState error={report.error} onRetry={() => void report.refetch()} />
			) : (
				<>
					<section aria-label="Summary" className="grid grid-cols-1 gap-3 sm:grid-cols-3">
						{[
							{ label: "Leavers", value: (report.data?.summary.count ?? 0).toLocaleString() },
							{
								label: "Median time to access end (p50)",
								value: seconds(report.data?.summary.p50Seconds ?? null),
							},
							{ label: "p99 time to access end", value: seconds(report.data?.summary.p99Seconds ?? null) },
						].map((card) => (
							<div key={card.label} className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
								<p className="text-sm text-slate-600">{card.label}</p>
								<p className="mt-1 text-2xl font-semibold text-slate-900">{card.value}</p>
							</div>
						))}
					</section>
					<Section title="Leavers" description="Newest first.">
						{report.isError && <ErrorState error={report.error} />}
						<DataTable
							caption="Offboarded users"
							columns={columns}
							rows={report.data?.rows ?? []}
							rowKey={(row) => row.eventId}
							busy={report.isFetching}
							empty={
								<EmptyState title="No leavers in this window">
									Users appear here when an IdP deprovisions (active=false) or deletes them.
								</EmptyState>
							}
						/>
						<Pager
							page={pager.page}
							hasPrevious={pager.page > 1}
							hasNext={Boolean(report.data?.nextCursor)}
							onPrevious={pager.previous}
							onNext={() => report.data?.nextCursor && pager.next(report.data.nextCursor)}
						/>
					</Section>
				</>
			)}
		</Page>
	);
}
