import { Download } from "lucide-react";

/** The query string of a download: every set filter, `actions` repeated as `action`, and the format. */
export function exportHref(path: string, filter: Record<string, unknown>, format: "csv" | "jsonl"): string {
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(filter)) {
		if (value === undefined || value === "") continue;
		if (Array.isArray(value))
			for (const item of value) query.append(key === "actions" ? "action" : key, String(item));
		else query.set(key, String(value));
	}
	query.set("format", format);
	return `${path}?${query.toString()}`;
}

/**
 * "Export CSV" and "Export JSONL" as plain download links: the browser streams the file from the
 * server's `/exports` route with the session cookie, so an export of a million events never sits in the page.
 */
export function ExportLinks({
	path,
	filter,
	what,
}: {
	path: string;
	filter: Record<string, unknown>;
	what: string;
}) {
	return (
		<>
			{(["csv", "jsonl"] as const).map((format) => (
				<a
					key={format}
					href={exportHref(path, filter, format)}
					download
					className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 bg-white px-3.5 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100"
				>
					<Download className="size-4" aria-hidden="true" />
					Export {what} {format.toUpperCase()}
				</a>
			))}
		</>
	);
}
