import type { AppRouter } from "@roster/server/trpc";
import type { inferRouterOutputs } from "@trpc/server";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

type ActivitySeries = inferRouterOutputs<AppRouter>["dashboard"]["activity"];
export type ConnectionActivity = ActivitySeries["connections"][number];
export type Bucket = ActivitySeries["bucket"];

/** The four counters, in the order charts, legends and tables show them; colours pass 3:1 on white. */
export const COUNTERS = [
	{ key: "requests", label: "Requests", color: "#2563eb" },
	{ key: "creates", label: "Creates", color: "#15803d" },
	{ key: "deprovisions", label: "Deprovisions", color: "#b45309" },
	{ key: "errors", label: "Errors", color: "#b91c1c" },
] as const;

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const hourAndDay = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit" });

/** A bucket's start as its chart tick and table row show it, in the reader's time zone. */
export function bucketLabel(iso: string, bucket: Bucket, withDay = false): string {
	const date = new Date(iso);
	if (bucket === "day") return dayLabel.format(date);
	return withDay ? hourAndDay.format(date) : hourLabel.format(date);
}

/** One sentence saying what the chart shows, for screen readers and as the figure's caption. */
export function activitySummary(connection: ConnectionActivity): string {
	const { requests, errors, creates, deprovisions } = connection.totals;
	const busiest = connection.points.reduce((best, point) => (point.requests > best.requests ? point : best));
	return `${requests.toLocaleString()} requests, ${errors.toLocaleString()} errors, ${creates.toLocaleString()} creates and ${deprovisions.toLocaleString()} deprovisions; busiest bucket ${busiest.requests.toLocaleString()} requests.`;
}

/**
 * One connection's activity as grouped bars per bucket. The SVG is decorative for assistive technology
 * (`role="img"` with the summary as its name); the table beside it carries every number.
 */
export function ActivityChart({ connection, bucket }: { connection: ConnectionActivity; bucket: Bucket }) {
	const data = connection.points.map((point) => ({ ...point, label: bucketLabel(point.at, bucket, true) }));
	return (
		<div role="img" aria-label={`Chart: ${activitySummary(connection)}`} className="h-56 w-full">
			<ResponsiveContainer width="100%" height="100%">
				<BarChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
					<CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
					<XAxis
						dataKey="at"
						tickFormatter={(iso: string) => bucketLabel(iso, bucket)}
						tick={{ fontSize: 11, fill: "#475569" }}
						minTickGap={24}
					/>
					<YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#475569" }} />
					<Tooltip labelFormatter={(iso) => bucketLabel(String(iso), bucket, true)} />
					<Legend wrapperStyle={{ fontSize: 12 }} />
					{COUNTERS.map((counter) => (
						<Bar key={counter.key} dataKey={counter.key} name={counter.label} fill={counter.color} />
					))}
				</BarChart>
			</ResponsiveContainer>
		</div>
	);
}
