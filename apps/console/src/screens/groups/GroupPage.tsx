import type { AppRouter } from "@roster/server/trpc";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { errorCode } from "../../ui/errors.ts";
import { Facts, Page, Section } from "../../ui/page.tsx";
import { Pager, useCursorPager } from "../../ui/pager.tsx";
import { EmptyState, ErrorState, Loading, QueryView } from "../../ui/query-view.tsx";
import { TIER_LABELS } from "../../ui/tiers.ts";
import { TimeText } from "../../ui/time-text.tsx";

type Outputs = inferRouterOutputs<AppRouter>["groups"];
type Member = Outputs["members"]["rows"][number];
type Mapping = Outputs["get"]["mappings"][number];

const route = getRouteApi("/app/groups/$groupId");

const memberColumns: ColumnDef<Member, unknown>[] = [
	{
		id: "userName",
		header: "User name",
		cell: ({ row }) => (
			<Link
				to="/users/$userId"
				params={{ userId: row.original.id }}
				className="font-medium text-accent-700 underline-offset-2 hover:underline"
			>
				{row.original.userName}
			</Link>
		),
	},
	{ id: "displayName", header: "Display name", cell: ({ row }) => row.original.displayName ?? "—" },
	{ id: "tier", header: "Tier", cell: ({ row }) => TIER_LABELS[row.original.tier] ?? row.original.tier },
	{
		id: "active",
		header: "Status",
		cell: ({ row }) =>
			row.original.active ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Inactive</Badge>,
	},
	{ id: "added", header: "Member since", cell: ({ row }) => <TimeText iso={row.original.addedAt} /> },
];

function target(mapping: Mapping): string {
	return mapping.targetKind === "tier"
		? `tier ${TIER_LABELS[mapping.tier ?? ""] ?? mapping.tier}`
		: `${mapping.projectRole} on ${mapping.projectSelector === "*" ? "every project" : `project ${mapping.projectSelector}`}`;
}

function MappingsSection({ mappings }: { mappings: Mapping[] }) {
	return (
		<Section title="Role mappings that use this group" description="Members get what these mappings grant.">
			{mappings.length === 0 ? (
				<EmptyState title="No mapping uses this group">
					<Link to="/mappings" className="text-accent-700 underline">
						Add a role mapping
					</Link>
				</EmptyState>
			) : (
				<ul className="divide-y divide-slate-100 text-sm">
					{mappings.map((mapping) => (
						<li key={mapping.id} className="flex flex-wrap items-center gap-2 py-2">
							<Link
								to="/mappings"
								hash={`mapping-${mapping.id}`}
								className="font-medium text-accent-700 underline underline-offset-2"
							>
								Mapping #{mapping.number}
							</Link>
							<span>
								{mapping.matchKind === "group_external_id" ? "externalId" : "name"} “{mapping.matchValue}” →{" "}
								{target(mapping)}, priority {mapping.priority}
							</span>
						</li>
					))}
				</ul>
			)}
		</Section>
	);
}

function MembersSection({ groupId, total }: { groupId: string; total: number }) {
	const trpc = useTRPC();
	const pager = useCursorPager<string>();
	const members = useQuery(
		trpc.groups.members.queryOptions(
			{ id: groupId, cursor: pager.cursor },
			{ placeholderData: keepPreviousData },
		),
	);
	return (
		<Section title="Members" description={`${total.toLocaleString()} members, 50 per page.`}>
			{members.isPending ? (
				<Loading label="Loading members…" />
			) : members.isError ? (
				<ErrorState error={members.error} onRetry={() => void members.refetch()} />
			) : (
				<>
					<DataTable
						caption="Members"
						columns={memberColumns}
						rows={members.data.rows}
						rowKey={(row) => row.id}
						busy={members.isFetching}
						empty="This group has no members."
					/>
					<Pager
						page={pager.page}
						summary={`${total.toLocaleString()} members`}
						hasPrevious={pager.page > 1}
						hasNext={Boolean(members.data.nextCursor)}
						onPrevious={pager.previous}
						onNext={() => members.data.nextCursor && pager.next(members.data.nextCursor)}
					/>
				</>
			)}
		</Section>
	);
}

/** One group: its facts, the mappings that use it and its members, paged for groups of any size. */
export function GroupPage() {
	const trpc = useTRPC();
	const { groupId } = route.useParams();
	const group = useQuery(trpc.groups.get.queryOptions({ id: groupId }, { retry: false }));
	if (group.isError && errorCode(group.error) === "NOT_FOUND") {
		return (
			<Page title="Group not found">
				<EmptyState title="There is no such group in this organization">
					<Link to="/groups" className="text-accent-700 underline">
						Back to groups
					</Link>
				</EmptyState>
			</Page>
		);
	}
	return (
		<QueryView query={group} loadingLabel="Loading the group…">
			{(data) => (
				<Page
					title={data.displayName}
					actions={
						<Link to="/groups" className="text-sm text-accent-700 underline">
							All groups
						</Link>
					}
				>
					<Section title="Group">
						<Facts
							items={[
								{ label: "External id", value: data.externalId ?? "—" },
								{
									label: "Connection",
									value: data.connection ? `${data.connection.name} (${data.connection.idpKind})` : "—",
								},
								{ label: "Members", value: data.memberCount.toLocaleString() },
								{ label: "Created", value: <TimeText iso={data.createdAt} /> },
								{ label: "Updated", value: <TimeText iso={data.updatedAt} /> },
							]}
						/>
					</Section>
					<MappingsSection mappings={data.mappings} />
					<MembersSection groupId={data.id} total={data.memberCount} />
				</Page>
			)}
		</QueryView>
	);
}
