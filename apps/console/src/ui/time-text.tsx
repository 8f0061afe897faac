import { formatDateTime, formatRelative } from "./time.ts";

/** A timestamp shown as distance ("5 minutes ago") with the exact time on hover and for machines. */
export function TimeText({ iso, fallback = "never" }: { iso: string | null | undefined; fallback?: string }) {
	if (!iso) return <span className="text-slate-500">{fallback}</span>;
	return (
		<time dateTime={iso} title={formatDateTime(iso)}>
			{formatRelative(iso)}
		</time>
	);
}
