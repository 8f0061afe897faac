import type { UserSortKey } from "@roster/domain/inputs/users";
import type { AppRouter } from "@roster/server/trpc";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { inferRouterOutputs } from "@trpc/server";
import { useMemo, useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { type ColumnDef, DataTable, type SortingState } from "../../ui/data-table.tsx";
import { errorCode, errorMessage } from "../../ui/errors.ts";
import { Field, Select } from "../../ui/field.tsx";
import { Page, Section } from "../../ui/page.tsx";
import { Pager, useCursorPager } from "../../ui/pager.tsx";
import { ErrorState, Loading } from "../../ui/query-view.tsx";
import { SearchBox, type SearchValue } from "../../ui/search-box.tsx";
import { TIER_LABELS } from "../../ui/tiers.ts";
import { TimeText } from "../../ui/time-text.tsx";
import { ImportUsersDialog } from "./ImportUsersDialog.tsx";
import { totalText } from "./labels.ts";

type UserRow = inferRouterOutputs<AppRouter>["users"]["list"]["rows"][number];

const PAGE_SIZE = 50;

const columns: ColumnDef<UserRow, unknown>[] = [
	{
		id: "userName",
		accessorFn: (row) => row.userName,
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
	{
		id: "displayName",
		accessorFn: (row) => row.displayName,
		header: "Display name",
		cell: ({ row }) => row.original.displayName ?? "—",
	},
	{ id: "email", header: "Email", enableSorting: false, cell: ({ row }) => row.original.email ?? "—" },
	{
		id: "tier",
		accessorFn: (row) => row.tier,
		header: "Tier",
		cell: ({ row }) => TIER_LABELS[row.original.tier] ?? row.original.tier,
	},
	{
		id: "active",
		accessorFn: (row) => row.active,
		header: "Status",
		cell: ({ row }) =>
			row.original.active ? <Badge tone="success">Active</Badge> : <Badge tone="warning">Inactive</Badge>,
	},
	{
		id: "source",
		header: "Source",
		enableSorting: false,
		cell: ({ row }) =>
			row.original.source === "local" ? "Local account" : (row.original.connection?.name ?? "SCIM"),
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

/** The user directory: search (text or SCIM filter), status and tier filters, sortable columns, keyset pages. */
export function UsersPage() {
	const trpc = useTRPC();
	const [query, setQuery] = useState<SearchValue>({ search: "", mode: "text" });
	const [active, setActive] = useState<"" | "true" | "false">("");
	const [tier, setTier] = useState("");
	const [sorting, setSorting] = useState<SortingState>([{ id: "userName", desc: false }]);
	const pager = useCursorPager<string>();
	const [importing, setImporting] = useState(false);
	const sort = (sorting[0]?.id ?? "userName") as UserSortKey;
	const input = useMemo(
		() => ({
			search: query.search,
			mode: query.mode,
			sort,
			direction: sorting[0]?.desc ? ("desc" as const) : ("asc" as const),
			limit: PAGE_SIZE,
			cursor: pager.cursor,
			...(active === "" ? {} : { active: active === "true" }),
			...(tier === "" ? {} : { tier: tier as UserRow["tier"] }),
		}),
		[query, sort, sorting, pager.cursor, active, tier],
	);
	const list = useQuery(trpc.users.list.queryOptions(input, { placeholderData: keepPreviousData }));
	const refused = list.isError && errorCode(list.error) === "BAD_REQUEST";

	return (
		<Page
			title="Users"
			description="Everyone the identity providers provisioned, and local console accounts."
			actions={<Button onClick={() => setImporting(true)}>Import users</Button>}
		>
			<ImportUsersDialog open={importing} onOpenChange={setImporting} />
			<Section>
				<div className="flex flex-col gap-4">
					<SearchBox
						label="Search users"
						placeholder="Name, email, user name or external id"
						filterPlaceholder='userName sw "a" and active eq true'
						value={query}
						error={refused ? errorMessage(list.error) : undefined}
						onSearch={(next) => {
							setQuery(next);
							pager.reset();
						}}
					/>
					<div className="flex flex-wrap gap-4">
						<Field label="Status" className="w-40">
							{(control) => (
								<Select
									{...control}
									value={active}
									onChange={(event) => {
										setActive(event.target.value as typeof active);
										pager.reset();
									}}
								>
									<option value="">Any</option>
									<option value="true">Active</option>
									<option value="false">Inactive</option>
								</Select>
							)}
						</Field>
						<Field label="Tier" className="w-44">
							{(control) => (
								<Select
									{...control}
									value={tier}
									onChange={(event) => {
										setTier(event.target.value);
										pager.reset();
									}}
								>
									<option value="">Any</option>
									{Object.entries(TIER_LABELS).map(([value, label]) => (
										<option key={value} value={value}>
											{label}
										</option>
									))}
								</Select>
							)}
						</Field>
					</div>
				</div>
			</Section>
			<Section title="Directory">
				{list.isPending ? (
					<Loading label="Loading users…" />
				) : list.isError && !refused ? (
					<ErrorState error={list.error} onRetry={() => void list.refetch()} />
				) : (
					<>
						<DataTable
							caption="Users"
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
									? "Fix the filter above to see users."
									: query.search || active || tier
										? "No users match this search."
										: "No users yet. Connect an identity provider under SSO & provisioning."
							}
						/>
						<Pager
							page={pager.page}
							summary={list.data ? totalText(list.data.total, "users") : undefined}
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
