import { type ActivityRange, activityRanges } from "@roster/domain/inputs/dashboard";
import { getRouteApi, Link } from "@tanstack/react-router";
import { Page } from "../../ui/page.tsx";
import { ActivitySection } from "./ActivitySection.tsx";
import { HEALTH_PANELS } from "./health-panels.ts";
import { LatencyTiles, RecentLeavers } from "./OffboardingSection.tsx";

const route = getRouteApi("/app/");

const RANGE_LABELS: Record<ActivityRange, string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days" };

/** The window picker: links (so a window can be bookmarked); the router marks the current one `aria-current`. */
function RangePicker() {
	return (
		<nav aria-label="Time window">
			<ul className="flex rounded-md border border-slate-300 bg-white p-0.5">
				{(Object.keys(activityRanges) as ActivityRange[]).map((option) => (
					<li key={option}>
						<Link
							to="/"
							search={option === "24h" ? {} : { range: option }}
							activeOptions={{ exact: true, includeSearch: true }}
							className="block rounded px-3 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-accent-600 aria-[current=page]:text-white"
						>
							{RANGE_LABELS[option]}
						</Link>
					</li>
				))}
			</ul>
		</nav>
	);
}

/** The dashboard: activity per connection, deprovision latency, recent leavers and connection health. */
export function DashboardPage() {
	const range = route.useSearch().range ?? "24h";
	return (
		<Page
			title="Dashboard"
			description={`Provisioning over the last ${RANGE_LABELS[range]}.`}
			actions={<RangePicker />}
		>
			<LatencyTiles range={range} />
			{HEALTH_PANELS.length > 0 && (
				<div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
					{HEALTH_PANELS.map(({ key, Panel }) => (
						<Panel key={key} />
					))}
				</div>
			)}
			<ActivitySection range={range} />
			<RecentLeavers />
		</Page>
	);
}
