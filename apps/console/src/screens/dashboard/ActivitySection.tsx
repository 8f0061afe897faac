import type { ActivityRange } from "@roster/domain/inputs/dashboard";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { ScrollRegion } from "../../ui/scroll-region.tsx";
import {
	ActivityChart,
	activitySummary,
	type Bucket,
	bucketLabel,
	COUNTERS,
	type ConnectionActivity,
} from "./ActivityChart.tsx";

/** The buckets that had traffic, as a table: the chart's numbers for readers who cannot see it. */
function ActivityTable({ connection, bucket }: { connection: ConnectionActivity; bucket: Bucket }) {
	const busy = connection.points.filter((point) => point.requests > 0);
	return (
		<details className="mt-2 text-sm">
			<summary className="cursor-pointer font-medium text-accent-700">
				Show the numbers ({bucket === "hour" ? "hours" : "days"} with traffic: {busy.length})
			</summary>
			<ScrollRegion label={`Activity of ${connection.name}, numbers`} className="mt-2 max-h-72">
				<table className="w-full border-collapse text-left text-sm">
					<caption className="sr-only">{`Activity of ${connection.name} per ${bucket}`}</caption>
					<thead className="sticky top-0 bg-slate-50">
						<tr>
							<th scope="col" className="px-3 py-2 font-medium text-slate-700">
								{bucket === "hour" ? "Hour" : "Day"}
							</th>
							{COUNTERS.map((counter) => (
								<th key={counter.key} scope="col" className="px-3 py-2 text-right font-medium text-slate-700">
									{counter.label}
								</th>
							))}
						</tr>
					</thead>
					<tbody>
						{busy.map((point) => (
							<tr key={point.at} className="border-t border-slate-100">
								<th scope="row" className="px-3 py-1.5 font-normal text-slate-800">
									<time dateTime={point.at}>{bucketLabel(point.at, bucket, true)}</time>
								</th>
								{COUNTERS.map((counter) => (
									<td key={counter.key} className="px-3 py-1.5 text-right tabular-nums">
										{point[counter.key].toLocaleString()}
									</td>
								))}
							</tr>
						))}
					</tbody>
				</table>
			</ScrollRegion>
		</details>
	);
}

function ConnectionPanel({ connection, bucket }: { connection: ConnectionActivity; bucket: Bucket }) {
	return (
		<figure className="rounded-md border border-slate-200 p-3">
			<figcaption className="mb-2 flex flex-wrap items-center gap-2">
				<h3 className="font-semibold text-slate-900">{connection.name}</h3>
				<Badge>{connection.idpKind}</Badge>
				<span className="text-sm text-slate-600">{activitySummary(connection)}</span>
			</figcaption>
			<ActivityChart connection={connection} bucket={bucket} />
			<ActivityTable connection={connection} bucket={bucket} />
		</figure>
	);
}

/** Provisioning activity per connection over the chosen window, from the server's hourly rollup. */
export function ActivitySection({ range }: { range: ActivityRange }) {
	const trpc = useTRPC();
	const activity = useQuery(trpc.dashboard.activity.queryOptions({ range }));
	return (
		<Section
			title="Provisioning activity"
			description="SCIM requests, errors, creates and deprovisions per connection."
		>
			<QueryView
				query={activity}
				loadingLabel="Loading activity…"
				isEmpty={(data) => data.connections.length === 0}
				empty={
					<EmptyState title="No SCIM traffic in this window">
						Point an IdP at Roster with a connection's token; its requests show here within seconds.
					</EmptyState>
				}
			>
				{(data) => (
					<div className="flex flex-col gap-4">
						<p className="text-sm text-slate-700">
							{COUNTERS.map(
								(counter) => `${data.totals[counter.key].toLocaleString()} ${counter.label.toLowerCase()}`,
							).join(", ")}{" "}
							across {data.connections.length} connection{data.connections.length === 1 ? "" : "s"}.
							{data.truncated && " Only the busiest connections are charted."}
						</p>
						{data.connections.map((connection) => (
							<ConnectionPanel key={connection.connectionId} connection={connection} bucket={data.bucket} />
						))}
					</div>
				)}
			</QueryView>
		</Section>
	);
}
