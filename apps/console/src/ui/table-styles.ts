/** The look every console table shares, so a server-paged table and a small fixed one read alike. */
export const TABLE_STYLES = {
	table: "w-full min-w-max border-collapse text-left text-sm",
	head: "bg-slate-50 text-xs tracking-wide text-slate-600 uppercase",
	headerCell: "px-3 py-2 font-semibold",
	row: "border-t border-slate-200",
	cell: "px-3 py-2 align-top",
} as const;
