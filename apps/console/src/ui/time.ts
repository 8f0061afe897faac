const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
	["year", 365 * 24 * 3600],
	["month", 30 * 24 * 3600],
	["day", 24 * 3600],
	["hour", 3600],
	["minute", 60],
	["second", 1],
];

/** An ISO timestamp in the reader's locale and time zone; "—" for none. */
export function formatDateTime(iso: string | null | undefined): string {
	return iso ? dateTime.format(new Date(iso)) : "—";
}

/** "3 minutes ago", "in 2 days": for last use, expiry and other times people judge by distance. */
export function formatRelative(iso: string | null | undefined, now: number = Date.now()): string {
	if (!iso) return "never";
	const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
	for (const [unit, size] of UNITS) {
		if (Math.abs(seconds) >= size || unit === "second")
			return relative.format(Math.round(seconds / size), unit);
	}
	return relative.format(0, "second");
}

/** A duration for latencies and SLAs: "850 ms", "2.4 s", "3 min 5 s". */
export function formatDuration(milliseconds: number | null | undefined): string {
	if (milliseconds === null || milliseconds === undefined) return "—";
	if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
	const seconds = milliseconds / 1000;
	if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
	return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
