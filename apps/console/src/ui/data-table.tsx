import {
	type ColumnDef,
	flexRender,
	getCoreRowModel,
	type SortingState,
	useReactTable,
} from "@tanstack/react-table";
import { clsx } from "clsx";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import type { ReactNode } from "react";
import { ScrollRegion } from "./scroll-region.tsx";
import { TABLE_STYLES } from "./table-styles.ts";

export type { ColumnDef, SortingState } from "@tanstack/react-table";

/**
 * A server-driven table (react-table in manual mode): the server sorts, filters and pages, because tables
 * hold 100,000 rows; this only renders one page. Sortable headers are buttons announcing their order.
 */
export function DataTable<Row>({
	caption,
	columns,
	rows,
	rowKey,
	sorting,
	onSortingChange,
	empty,
	busy = false,
}: {
	/** Names the table for screen readers (visually hidden). */
	caption: string;
	columns: ColumnDef<Row, unknown>[];
	rows: Row[];
	rowKey: (row: Row) => string;
	sorting?: SortingState;
	onSortingChange?: (sorting: SortingState) => void;
	empty?: ReactNode;
	/** True while the next page loads: the current one stays, dimmed. */
	busy?: boolean;
}) {
	const table = useReactTable({
		data: rows,
		columns,
		getRowId: rowKey,
		getCoreRowModel: getCoreRowModel(),
		manualSorting: true,
		manualPagination: true,
		manualFiltering: true,
		enableSortingRemoval: false,
		state: { sorting: sorting ?? [] },
		onSortingChange: (updater) => {
			const next = typeof updater === "function" ? updater(sorting ?? []) : updater;
			onSortingChange?.(next);
		},
	});
	return (
		<ScrollRegion label={caption} className={clsx(busy && "opacity-60")} busy={busy}>
			<table className={TABLE_STYLES.table}>
				<caption className="sr-only">{caption}</caption>
				<thead className={TABLE_STYLES.head}>
					{table.getHeaderGroups().map((group) => (
						<tr key={group.id}>
							{group.headers.map((header) => {
								const sortable = Boolean(onSortingChange) && header.column.getCanSort();
								const order = header.column.getIsSorted();
								const label = flexRender(header.column.columnDef.header, header.getContext());
								return (
									<th
										key={header.id}
										scope="col"
										className={TABLE_STYLES.headerCell}
										aria-sort={order === "asc" ? "ascending" : order === "desc" ? "descending" : undefined}
									>
										{sortable ? (
											<button
												type="button"
												className="inline-flex items-center gap-1 uppercase hover:text-slate-900"
												onClick={header.column.getToggleSortingHandler()}
											>
												{label}
												{order === "asc" ? (
													<ArrowUp className="size-3.5" aria-hidden="true" />
												) : order === "desc" ? (
													<ArrowDown className="size-3.5" aria-hidden="true" />
												) : (
													<ArrowUpDown className="size-3.5 opacity-50" aria-hidden="true" />
												)}
											</button>
										) : (
											label
										)}
									</th>
								);
							})}
						</tr>
					))}
				</thead>
				<tbody>
					{table.getRowModel().rows.map((row) => (
						<tr key={row.id} className={clsx(TABLE_STYLES.row, "hover:bg-slate-50")}>
							{row.getVisibleCells().map((cell) => (
								<td key={cell.id} className={TABLE_STYLES.cell}>
									{flexRender(cell.column.columnDef.cell, cell.getContext())}
								</td>
							))}
						</tr>
					))}
					{rows.length === 0 && (
						<tr>
							<td colSpan={columns.length} className="px-3 py-8 text-center text-slate-600">
								{empty ?? "No rows match."}
							</td>
						</tr>
					)}
				</tbody>
			</table>
		</ScrollRegion>
	);
}
