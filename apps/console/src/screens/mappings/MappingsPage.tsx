import { useQuery } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { Page, Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { DeleteMappingDialog } from "./DeleteMappingDialog.tsx";
import { type MappingRow, matchLabel, targetLabel } from "./labels.ts";
import { MappingEditor } from "./MappingEditor.tsx";

type Editing =
	| { kind: "create" }
	| { kind: "edit"; mapping: MappingRow }
	| { kind: "delete"; mapping: MappingRow };

const number = new Intl.NumberFormat();

function columns(open: (editing: Editing) => void): ColumnDef<MappingRow, unknown>[] {
	return [
		{
			header: "Priority",
			accessorKey: "priority",
			cell: ({ row }) => <span className="tabular-nums">{row.original.priority}</span>,
		},
		{
			header: "When the IdP sends",
			id: "match",
			cell: ({ row }) => (
				<span className="flex flex-col">
					<span className="text-xs text-slate-600">{matchLabel(row.original)}</span>
					<span className="font-medium break-all text-slate-900">{row.original.matchValue}</span>
				</span>
			),
		},
		{
			header: "Grant",
			id: "target",
			cell: ({ row }) => (
				<Badge tone={row.original.targetKind === "tier" ? "info" : "neutral"}>
					{targetLabel(row.original)}
				</Badge>
			),
		},
		{
			header: "Users granted now",
			id: "granted",
			cell: ({ row }) => <span className="tabular-nums">{number.format(row.original.usersGranted)}</span>,
		},
		{
			header: "Actions",
			id: "actions",
			cell: ({ row }) => (
				<span className="flex gap-2">
					<Button
						size="sm"
						aria-label={`Edit mapping ${row.original.matchValue}`}
						onClick={() => open({ kind: "edit", mapping: row.original })}
					>
						Edit
					</Button>
					<Button
						size="sm"
						variant="ghost"
						aria-label={`Delete mapping ${row.original.matchValue}`}
						onClick={() => open({ kind: "delete", mapping: row.original })}
					>
						Delete
					</Button>
				</span>
			),
		},
	];
}

/** Role mappings in rank order, with an editor that previews who gains or loses what before saving. */
export function MappingsPage() {
	const trpc = useTRPC();
	const list = useQuery(trpc.mappings.list.queryOptions());
	const [editing, setEditing] = useState<Editing | undefined>(undefined);
	const projectRoles = list.data?.projectRoles ?? [];
	const close = () => setEditing(undefined);
	return (
		<Page
			title="Role mappings"
			description="Turn the groups and role values your identity provider sends into tiers and project roles. Every change is previewed, then applied to everyone it affects in one audited transaction."
			actions={
				<Button variant="primary" onClick={() => setEditing({ kind: "create" })} disabled={!list.isSuccess}>
					<Plus className="size-4" aria-hidden="true" />
					New mapping
				</Button>
			}
		>
			<Section
				title="Mappings by priority"
				description="Lower priority wins when rules of equal specificity conflict."
			>
				<QueryView
					query={list}
					loadingLabel="Loading mappings…"
					isEmpty={(data) => data.mappings.length === 0}
					empty={
						<EmptyState title="No role mappings yet">
							Users get what the IdP sends and the organization's fallback tier. Add a mapping to grant a tier
							or project role by group or role value.
						</EmptyState>
					}
				>
					{(data) => (
						<>
							<DataTable
								caption="Role mappings by priority"
								columns={columns(setEditing)}
								rows={data.mappings}
								rowKey={(row) => row.id}
							/>
							{data.total > data.mappings.length && (
								<p className="pt-2 text-sm text-slate-600">
									Showing the first {number.format(data.mappings.length)} of {number.format(data.total)}{" "}
									mappings.
								</p>
							)}
						</>
					)}
				</QueryView>
			</Section>
			{editing?.kind === "create" && (
				<MappingEditor mapping={undefined} projectRoles={projectRoles} onClose={close} />
			)}
			{editing?.kind === "edit" && (
				<MappingEditor
					key={editing.mapping.id}
					mapping={editing.mapping}
					projectRoles={projectRoles}
					onClose={close}
				/>
			)}
			{editing?.kind === "delete" && (
				<DeleteMappingDialog mapping={editing.mapping} projectRoles={projectRoles} onClose={close} />
			)}
		</Page>
	);
}
