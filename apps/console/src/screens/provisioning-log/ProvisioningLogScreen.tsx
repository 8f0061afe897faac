import type { ProvisioningLogFilterInput } from "@roster/domain/inputs/provisioning-log";
import type { AppRouter } from "@roster/server/trpc";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { type FormEvent, useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { fieldErrorsOf } from "../../ui/errors.ts";
import { Field, Select, TextInput } from "../../ui/field.tsx";
import { FilterActions } from "../../ui/filter-actions.tsx";
import { Page, Section } from "../../ui/page.tsx";
import { Pager, useCursorPager } from "../../ui/pager.tsx";
import { EmptyState, ErrorState, Loading } from "../../ui/query-view.tsx";
import { formatDateTime, formatDuration } from "../../ui/time.ts";
import { localToIso, TimeRangeFields } from "../../ui/time-range-fields.tsx";
import { RequestDetail } from "./RequestDetail.tsx";
import { statusTone } from "./status.ts";

type LogRow = inferRouterOutputs<AppRouter>["provisioningLog"]["list"]["rows"][number];

const STATUS_CLASSES = [
	{ value: "", label: "Any status" },
	{ value: "2xx", label: "Succeeded (2xx)" },
	{ value: "4xx", label: "Refused (4xx)" },
	{ value: "5xx", label: "Failed (5xx)" },
] as const;

interface Draft {
	statusClass: string;
	exactStatus: string;
	user: string;
	from: string;
	to: string;
}

const EMPTY_DRAFT: Draft = { statusClass: "", exactStatus: "", user: "", from: "", to: "" };

function filterOf(draft: Draft, connectionId: string | undefined): ProvisioningLogFilterInput {
	const exact = draft.exactStatus.trim();
	return {
		status: (exact ? Number(exact) : draft.statusClass || undefined) as ProvisioningLogFilterInput["status"],
		user: draft.user.trim() || undefined,
		connectionId,
		from: localToIso(draft.from),
		to: localToIso(draft.to),
	};
}

/** The provisioning log: every SCIM request, filterable, each opening its bodies and what its error means. */
export function ProvisioningLogScreen() {
	const trpc = useTRPC();
	const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
	const [connection, setConnection] = useState<{ id: string; name: string } | undefined>();
	const [applied, setApplied] = useState<ProvisioningLogFilterInput>({});
	const [open, setOpen] = useState<string | undefined>();
	const pager = useCursorPager<string>();
	const list = useQuery({
		...trpc.provisioningLog.list.queryOptions({ ...applied, cursor: pager.cursor, limit: 50 }),
		placeholderData: keepPreviousData,
	});
	const errors = Object.fromEntries(
		Object.entries(fieldErrorsOf(list.error)).map(([field, messages]) => [field, messages.join(" ")]),
	);

	function apply(next: ProvisioningLogFilterInput) {
		setApplied(next);
		pager.reset();
	}
	function submit(event: FormEvent) {
		event.preventDefault();
		apply(filterOf(draft, connection?.id));
	}
	const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
		setDraft({ ...draft, [field]: event.target.value });

	const columns: ColumnDef<LogRow, unknown>[] = [
		{
			header: "Time",
			id: "time",
			cell: ({ row }) => (
				<time dateTime={row.original.occurredAt} className="whitespace-nowrap">
					{formatDateTime(row.original.occurredAt)}
				</time>
			),
		},
		{
			header: "Connection",
			id: "connection",
			cell: ({ row }) => {
				const owner = row.original.connection;
				if (!owner) return <span className="text-slate-500">—</span>;
				return (
					<button
						type="button"
						className="text-left text-accent-700 hover:underline"
						title="Show only this connection's requests"
						onClick={() => {
							setConnection(owner);
							apply({ ...applied, connectionId: owner.id });
						}}
					>
						{owner.name}
					</button>
				);
			},
		},
		{
			header: "Request",
			id: "request",
			cell: ({ row }) => (
				<code className="text-xs break-all">
					{row.original.method} {row.original.path}
				</code>
			),
		},
		{
			header: "Status",
			id: "status",
			cell: ({ row }) => (
				<Badge tone={statusTone(row.original.status)}>
					{row.original.status}
					{row.original.scimType ? ` ${row.original.scimType}` : ""}
				</Badge>
			),
		},
		{ header: "Latency", id: "latency", cell: ({ row }) => formatDuration(row.original.durationMs) },
		{
			header: "Quirks",
			id: "quirks",
			cell: ({ row }) =>
				row.original.quirks.length === 0 ? (
					<span className="text-slate-500">none</span>
				) : (
					<span className="flex flex-wrap gap-1">
						{row.original.quirks.map((quirk) => (
							<Badge key={quirk}>{quirk}</Badge>
						))}
					</span>
				),
		},
		{
			header: "Details",
			id: "details",
			cell: ({ row }) => (
				<Button
					size="sm"
					aria-label={`Details of ${row.original.method} ${row.original.path} (${row.original.status})`}
					onClick={() => setOpen(row.original.id)}
				>
					Details
				</Button>
			),
		},
	];

	return (
		<Page
			title="Provisioning log"
			description="Every SCIM request your IdPs sent, with its answer. Open a request for its bodies (secrets redacted) and, for an error, what it means and how to fix it."
		>
			<Section title="Filter">
				<form onSubmit={submit} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-5">
					<Field label="Status" error={errors.status}>
						{(control) => (
							<Select {...control} value={draft.statusClass} onChange={set("statusClass")}>
								{STATUS_CLASSES.map((option) => (
									<option key={option.value} value={option.value}>
										{option.label}
									</option>
								))}
							</Select>
						)}
					</Field>
					<Field label="Exact status" hint="e.g. 409; overrides the class" error={errors.status}>
						{(control) => (
							<TextInput
								{...control}
								inputMode="numeric"
								value={draft.exactStatus}
								onChange={set("exactStatus")}
							/>
						)}
					</Field>
					<Field label="User" hint="User id or userName" error={errors.user}>
						{(control) => <TextInput {...control} value={draft.user} onChange={set("user")} />}
					</Field>
					<TimeRangeFields
						from={draft.from}
						to={draft.to}
						errors={errors}
						onChange={(range) => setDraft({ ...draft, ...range })}
					/>
					<FilterActions
						className="sm:col-span-2 lg:col-span-5"
						onClear={() => {
							setDraft(EMPTY_DRAFT);
							setConnection(undefined);
							apply({});
						}}
						chip={
							connection && {
								label: "Connection",
								value: connection.name,
								onRemove: () => {
									setConnection(undefined);
									apply({ ...applied, connectionId: undefined });
								},
							}
						}
					/>
				</form>
			</Section>
			<Section title="Requests" description="Newest first. Requests appear within a second or two.">
				{list.isPending ? (
					<Loading label="Loading requests…" />
				) : list.isError && !list.data ? (
					<ErrorState error={list.error} onRetry={() => void list.refetch()} />
				) : (
					<>
						{list.isError && <ErrorState error={list.error} />}
						<div className="mb-2 flex justify-end">
							<Button
								size="sm"
								busy={list.isFetching}
								busyLabel="Refreshing…"
								onClick={() => void list.refetch()}
							>
								Refresh
							</Button>
						</div>
						<DataTable
							caption="SCIM requests"
							columns={columns}
							rows={list.data?.rows ?? []}
							rowKey={(row) => row.id}
							busy={list.isFetching}
							empty={
								<EmptyState title="No requests match">
									When an IdP calls Roster's SCIM API with a connection's token, each request shows up here.
								</EmptyState>
							}
						/>
						<Pager
							page={pager.page}
							hasPrevious={pager.page > 1}
							hasNext={Boolean(list.data?.nextCursor)}
							onPrevious={pager.previous}
							onNext={() => list.data?.nextCursor && pager.next(list.data.nextCursor)}
						/>
					</>
				)}
			</Section>
			{open && <RequestDetail id={open} onClose={() => setOpen(undefined)} />}
		</Page>
	);
}
