import type { GroupSortKey } from "@roster/domain/inputs/groups";
import type { AppRouter } from "@roster/server/trpc";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { type ColumnDef, DataTable, type SortingState } from "../../ui/data-table.tsx";
import { errorCode, errorMessage } from "../../ui/errors.ts";
import { Page, Section } from "../../ui/page.tsx";
import { Pager, useCursorPager } from "../../ui/pager.tsx";
import { ErrorState, Loading } from "../../ui/query-view.tsx";
import { SearchBox, type SearchValue } from "../../ui/search-box.tsx";
import { TimeText } from "../../ui/time-text.tsx";
import { totalText } from "../users/labels.ts";

type GroupRow = inferRouterOutputs<AppRouter>["groups"]["list"]["rows"][number];

const columns: ColumnDef<GroupRow, unknown>[] = [
	{
		id: "displayName",
		accessorFn: (row) => row.displayName,
		header: "Name",
		cell: ({ row }) => (
			<Link
				to="/groups/$groupId"
				params={{ groupId: row.original.id }}
				className="font-medium text-accent-700 underline-offset-2 hover:underline"
			>
				{row.original.displayName}
			</Link>
		),
	},
	{
		id: "externalId",
		header: "External id",
		enableSorting: false,
		cell: ({ row }) => row.original.externalId ?? "—",
	},
	{
		id: "members",
		header: "Members",
		enableSorting: false,
		cell: ({ row }) => row.original.memberCount.toLocaleString(),
	},
	{
		id: "connection",
		header: "Connection",
		enableSorting: false,
		cell: ({ row }) => row.original.connection?.name ?? "—",
	},
	{
		id: "updated",
		accessorFn: (row) => row.updatedAt,
		header: "Updated",
		cell: ({ row }) => <TimeText iso={row.original.updatedAt} />,
	},
	{
		id: "created",
		accessorFn: (row) => row.createdAt,
		header: "Created",
		cell: ({ row }) => <TimeText iso={row.original.createdAt} />,
	},
];

/** The groups the identity providers pushed: search (text or SCIM filter), sort, keyset pages. */
export function GroupsPage() {
	const trpc = useTRPC();
	const [query, setQuery] = useState<SearchValue>({ search: "", mode: "text" });
	const [sorting, setSorting] = useState<SortingState>([{ id: "displayName", desc: false }]);
	const pager = useCursorPager<string>();
	const list = useQuery(
		trpc.groups.list.queryOptions(
			{
				search: query.search,
				mode: query.mode,
				sort: (sorting[0]?.id ?? "displayName") as GroupSortKey,
				direction: sorting[0]?.desc ? "desc" : "asc",
				limit: 50,
				cursor: pager.cursor,
			},
			{ placeholderData: keepPreviousData },
		),
	);
	const refused = list.isError && errorCode(list.error) === "BAD_REQUEST";
	return (
		<Page title="Groups" description="IdP groups, their members and the role mappings that use them.">
			<Section>
				<SearchBox
					label="Search groups"
					placeholder="Name or external id"
					filterPlaceholder='displayName sw "Okta"'
					value={query}
					error={refused ? errorMessage(list.error) : undefined}
					onSearch={(next) => {
						setQuery(next);
						pager.reset();
					}}
				/>
			</Section>
			<Section title="All groups">
				{list.isPending ? (
					<Loading label="Loading groups…" />
				) : list.isError && !refused ? (
					<ErrorState error={list.error} onRetry={() => void list.refetch()} />
				) : (
					<>
						<DataTable
							caption="Groups"
							columns={columns}
							rows={list.data?.rows ?? []}
							rowKey={(row) => row.id}
							sorting={sorting}
							onSortingChange={(next) => {
								setSorting(next);
								pager.reset();
							}}
							busy={list.isFetching}
							empty={
								refused
									? "Fix the filter above to see groups."
									: query.search
										? "No groups match this search."
										: "No groups yet. They appear when an identity provider pushes them."
							}
						/>
						<Pager
							page={pager.page}
							summary={list.data ? totalText(list.data.total, "groups") : undefined}
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
