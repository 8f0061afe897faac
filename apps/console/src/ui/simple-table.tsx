import type { ReactNode } from "react";

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
		<section
			// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
			tabIndex={0}
			aria-label={caption}
			className="overflow-x-auto rounded-md border border-slate-200 focus-visible:ring-2 focus-visible:ring-accent-600 focus-visible:outline-none"
		>
			<table className="w-full min-w-max border-collapse text-left text-sm">
				<caption className="sr-only">{caption}</caption>
				<thead className="bg-slate-50 text-xs tracking-wide text-slate-600 uppercase">
					<tr>
						{headers.map((header) => (
							<th key={header} scope="col" className="px-3 py-2 font-semibold">
								{header}
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{rows.map((row) => (
						<tr key={row.key} className="border-t border-slate-200">
							{row.cells.map((cell, index) => (
								<td key={index} className="px-3 py-2 align-top">
									{cell}
								</td>
							))}
						</tr>
					))}
				</tbody>
			</table>
		</section>
	);
}
