import type { AuditFilterInput } from "@roster/domain/inputs/audit";
import { AUDIT_ACTOR_TYPES } from "@roster/domain/inputs/audit";
import type { AppRouter } from "@roster/server/trpc";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { inferRouterOutputs } from "@trpc/server";
import { type FormEvent, useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { fieldErrorsOf } from "../../ui/errors.ts";
import { Field, Select, TextInput } from "../../ui/field.tsx";
import { FilterActions } from "../../ui/filter-actions.tsx";
import { Page, Section } from "../../ui/page.tsx";
import { Pager, useCursorPager } from "../../ui/pager.tsx";
import { EmptyState, ErrorState, Loading } from "../../ui/query-view.tsx";
import { formatDateTime } from "../../ui/time.ts";
import { localToIso, TimeRangeFields } from "../../ui/time-range-fields.tsx";
import { ChainStatusPanel } from "./ChainStatusPanel.tsx";
import { ExportLinks } from "./export-links.tsx";

type AuditRow = inferRouterOutputs<AppRouter>["audit"]["list"]["rows"][number];

const ACTOR_LABELS: Record<(typeof AUDIT_ACTOR_TYPES)[number], string> = {
	scim_connection: "IdP connection",
	admin: "Administrator",
	system: "System / CLI",
};

interface Draft {
	action: string;
	actorType: string;
	actorName: string;
	entityType: string;
	entityName: string;
	entityId: string;
	from: string;
	to: string;
}

const EMPTY_DRAFT: Draft = {
	action: "",
	actorType: "",
	actorName: "",
	entityType: "",
	entityName: "",
	entityId: "",
	from: "",
	to: "",
};

/** The filter the form describes, with empty fields left out. */
function filterOf(draft: Draft, connectionId: string | undefined): AuditFilterInput {
	const text = (value: string) => value.trim() || undefined;
	return {
		actions: draft.action ? [draft.action] : undefined,
		actorType: (draft.actorType || undefined) as AuditFilterInput["actorType"],
		actorName: text(draft.actorName),
		entityType: text(draft.entityType),
		entityName: text(draft.entityName),
		entityId: text(draft.entityId),
		connectionId,
		from: localToIso(draft.from),
		to: localToIso(draft.to),
	};
}

function JsonDetails({ label, value }: { label: string; value: unknown }) {
	if (value === null || value === undefined) return null;
	if (typeof value === "object" && Object.keys(value).length === 0) return null;
	return (
		<details className="max-w-md">
			<summary className="cursor-pointer text-accent-700 hover:underline">{label}</summary>
			<pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap break-all">
				{JSON.stringify(value, null, 2)}
			</pre>
		</details>
	);
}

/** The audit viewer: chain status, a filter bar, the trail newest first, and exports of what it shows. */
export function AuditScreen() {
	const trpc = useTRPC();
	const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
	const [connection, setConnection] = useState<{ id: string; name: string } | undefined>();
	const [applied, setApplied] = useState<AuditFilterInput>({});
	const pager = useCursorPager<string>();
	const actions = useQuery(trpc.audit.actions.queryOptions());
	const list = useQuery({
		...trpc.audit.list.queryOptions({ ...applied, cursor: pager.cursor, limit: 50 }),
		placeholderData: keepPreviousData,
	});
	const errors = Object.fromEntries(
		Object.entries(fieldErrorsOf(list.error)).map(([field, messages]) => [field, messages.join(" ")]),
	);

	function apply(next: AuditFilterInput) {
		setApplied(next);
		pager.reset();
	}
	function submit(event: FormEvent) {
		event.preventDefault();
		apply(filterOf(draft, connection?.id));
	}
	function byConnection(id: string, name: string) {
		setConnection({ id, name });
		apply({ ...applied, connectionId: id });
	}
	const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
		setDraft({ ...draft, [field]: event.target.value });

	const columns: ColumnDef<AuditRow, unknown>[] = [
		{
			header: "Time",
			id: "time",
			cell: ({ row }) => (
				<div className="flex flex-col items-start gap-1">
					<time dateTime={row.original.occurredAt} className="whitespace-nowrap">
						{formatDateTime(row.original.occurredAt)}
					</time>
					{row.original.hash ? (
						<Badge tone="success">Sealed #{row.original.id}</Badge>
					) : (
						<Badge tone="warning">Not sealed yet #{row.original.id}</Badge>
					)}
				</div>
			),
		},
		{
			header: "Action",
			id: "action",
			cell: ({ row }) => <code className="text-xs">{row.original.action}</code>,
		},
		{
			header: "Actor",
			id: "actor",
			cell: ({ row }) => {
				const actor = row.original.actor;
				const label = ACTOR_LABELS[actor.type as keyof typeof ACTOR_LABELS] ?? actor.type;
				return (
					<div className="flex flex-col">
						{actor.type === "scim_connection" && actor.id ? (
							<button
								type="button"
								className="text-left text-accent-700 hover:underline"
								title="Show only this connection's events"
								onClick={() => byConnection(String(actor.id), actor.name ?? "connection")}
							>
								{actor.name}
							</button>
						) : (
							<span>{actor.name ?? "—"}</span>
						)}
						<span className="text-xs text-slate-600">{label}</span>
					</div>
				);
			},
		},
		{
			header: "Entity",
			id: "entity",
			cell: ({ row }) => {
				const entity = row.original.entity;
				if (!entity.type) return <span className="text-slate-500">—</span>;
				const name = entity.name ?? entity.id;
				return (
					<div className="flex flex-col">
						{entity.type === "User" && entity.id ? (
							<a className="text-accent-700 hover:underline" href={`/users/${entity.id}`}>
								{name}
							</a>
						) : (
							<span>{name}</span>
						)}
						<span className="text-xs text-slate-600">{entity.type}</span>
					</div>
				);
			},
		},
		{
			header: "Details",
			id: "details",
			cell: ({ row }) => (
				<div className="flex flex-col gap-1">
					<JsonDetails label="Changes" value={row.original.changes} />
					<JsonDetails label="Metadata" value={row.original.metadata} />
				</div>
			),
		},
	];

	return (
		<Page
			title="Audit"
			description="Every change to users, groups, access, connections and settings, who made it and when. Exports hold exactly what the filters select."
			actions={
				<>
					<Link
						to="/audit/offboarding"
						className="rounded-md px-3 py-2 text-sm font-medium text-accent-700 hover:bg-accent-50"
					>
						Offboarding report
					</Link>
					<ExportLinks path="/exports/audit" filter={applied} what="audit" />
				</>
			}
		>
			<ChainStatusPanel />
			<Section title="Filter">
				<form onSubmit={submit} className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-4">
					<Field label="Action" error={errors.actions}>
						{(control) => (
							<Select {...control} value={draft.action} onChange={set("action")}>
								<option value="">Any action</option>
								{(actions.data ?? []).map((action) => (
									<option key={action} value={action}>
										{action}
									</option>
								))}
							</Select>
						)}
					</Field>
					<Field label="Actor kind" error={errors.actorType}>
						{(control) => (
							<Select {...control} value={draft.actorType} onChange={set("actorType")}>
								<option value="">Anyone</option>
								{AUDIT_ACTOR_TYPES.map((type) => (
									<option key={type} value={type}>
										{ACTOR_LABELS[type]}
									</option>
								))}
							</Select>
						)}
					</Field>
					<Field label="Actor name" hint="Contains, any case" error={errors.actorName}>
						{(control) => <TextInput {...control} value={draft.actorName} onChange={set("actorName")} />}
					</Field>
					<Field label="Entity type" hint="User, Group, ScimToken, …" error={errors.entityType}>
						{(control) => <TextInput {...control} value={draft.entityType} onChange={set("entityType")} />}
					</Field>
					<Field label="Entity name" hint="Contains, any case" error={errors.entityName}>
						{(control) => <TextInput {...control} value={draft.entityName} onChange={set("entityName")} />}
					</Field>
					<Field label="Entity id" error={errors.entityId}>
						{(control) => <TextInput {...control} value={draft.entityId} onChange={set("entityId")} />}
					</Field>
					<TimeRangeFields
						from={draft.from}
						to={draft.to}
						errors={errors}
						onChange={(range) => setDraft({ ...draft, ...range })}
					/>
					<FilterActions
						className="sm:col-span-2 lg:col-span-4"
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
			<Section title="Events" description="Newest first.">
				{list.isPending ? (
					<Loading label="Loading events…" />
				) : list.isError && !list.data ? (
					<ErrorState error={list.error} onRetry={() => void list.refetch()} />
				) : (
					<>
						{list.isError && <ErrorState error={list.error} />}
						<DataTable
							caption="Audit events"
							columns={columns}
							rows={list.data?.rows ?? []}
							rowKey={(row) => row.id}
							busy={list.isFetching}
							empty={
								<EmptyState title="No events match">
									Change or clear the filters; new events appear as IdPs and administrators make changes.
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
		</Page>
	);
}
