import type { ReactNode } from "react";
import { ScrollRegion } from "./scroll-region.tsx";
import { TABLE_STYLES } from "./table-styles.ts";

/**
 * A small, fixed table (a few rows known up front: facts, steps, mappings), no paging or sorting. Its
 * scroll box is a labelled, focusable region so a narrow window can scroll it by keyboard.
 */
export function SimpleTable({
	caption,
	headers,
	rows,
}: {
	caption: string;
	headers: readonly string[];
	rows: readonly { key: string; cells: readonly ReactNode[] }[];
}) {
	return (
		<ScrollRegion label={caption}>
			<table className={TABLE_STYLES.table}>
				<caption className="sr-only">{caption}</caption>
				<thead className={TABLE_STYLES.head}>
					<tr>
						{headers.map((header) => (
							<th key={header} scope="col" className={TABLE_STYLES.headerCell}>
								{header}
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{rows.map((row) => (
						<tr key={row.key} className={TABLE_STYLES.row}>
							{row.cells.map((cell, index) => (
								<td key={index} className={TABLE_STYLES.cell}>
									{cell}
								</td>
							))}
						</tr>
					))}
				</tbody>
			</table>
		</ScrollRegion>
	);
}
