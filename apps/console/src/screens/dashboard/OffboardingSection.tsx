import type { ActivityRange } from "@roster/domain/inputs/dashboard";
import type { AppRouter } from "@roster/server/trpc";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { ScrollRegion } from "../../ui/scroll-region.tsx";
import { formatDuration } from "../../ui/time.ts";
import { TimeText } from "../../ui/time-text.tsx";

type Leaver = inferRouterOutputs<AppRouter>["dashboard"]["recentLeavers"][number];

const seconds = (value: number | null) => formatDuration(value === null ? null : value * 1000);

function Tile({ label, value, hint }: { label: string; value: string; hint: string }) {
	return (
		<div className="rounded-md border border-slate-200 px-4 py-3">
			<dt className="text-sm font-medium text-slate-600">{label}</dt>
			<dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900">{value}</dd>
			<dd className="text-xs text-slate-600">{hint}</dd>
		</div>
	);
}

/** How fast leavers lost access over the window: the p50 and p99 of IdP request → access ended. */
export function LatencyTiles({ range }: { range: ActivityRange }) {
	const trpc = useTRPC();
	const latency = useQuery(trpc.dashboard.deprovisionLatency.queryOptions({ range }));
	return (
		<Section
			title="Deprovision latency"
			description="From the IdP's request to the end of the user's access."
		>
			<QueryView query={latency} loadingLabel="Loading latency…">
				{(data) => (
					<dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
						<Tile
							label="p50"
							value={seconds(data.p50Seconds)}
							hint="half of the leavers lost access faster"
						/>
						<Tile label="p99" value={seconds(data.p99Seconds)} hint="all but 1 in 100 were faster" />
						<Tile
							label="Leavers"
							value={data.count.toLocaleString()}
							hint="deprovisioned or deleted in the window"
						/>
					</dl>
				)}
			</QueryView>
		</Section>
	);
}

const ACTION_LABELS: Record<Leaver["action"], string> = {
	SCIM_USER_DEPROVISIONED: "Deprovisioned",
	SCIM_USER_DELETED: "Deleted",
};

const CELL = "px-3 py-2 align-top";

/** One leaver as a table row; the user's name is the row's header. */
function LeaverRow({ leaver }: { leaver: Leaver }) {
	return (
		<tr className="border-t border-slate-100">
			<th scope="row" className={`${CELL} font-medium text-slate-900`}>
				{leaver.userName ?? leaver.userId ?? "—"}
			</th>
			<td className={CELL}>
				<Badge tone={leaver.action === "SCIM_USER_DELETED" ? "danger" : "warning"}>
					{ACTION_LABELS[leaver.action]}
				</Badge>
			</td>
			<td className={CELL}>{leaver.connection ?? "—"}</td>
			<td className={CELL}>
				<TimeText iso={leaver.accessEndedAt} />
			</td>
			<td className={`${CELL} tabular-nums`}>{seconds(leaver.secondsToAccessEnd)}</td>
			<td className={`${CELL} tabular-nums`}>{leaver.sessionsKilled?.toLocaleString() ?? "—"}</td>
		</tr>
	);
}

const HEADERS = ["User", "What", "Connection", "Access ended", "Latency", "Sessions ended"];

/**
 * The latest leavers: at most ten rows, unpaged and unsorted, so a plain table (the server-driven
 * `DataTable` is for paged lists).
 */
function LeaversTable({ leavers }: { leavers: Leaver[] }) {
	return (
		<ScrollRegion label="Recent leavers, table">
			<table className="w-full border-collapse text-left text-sm">
				<caption className="sr-only">Recent leavers</caption>
				<thead className="bg-slate-50">
					<tr>
						{HEADERS.map((header) => (
							<th key={header} scope="col" className="px-3 py-2 font-medium whitespace-nowrap text-slate-700">
								{header}
							</th>
						))}
					</tr>
				</thead>
				<tbody>
					{leavers.map((leaver) => (
						<LeaverRow key={leaver.eventId} leaver={leaver} />
					))}
				</tbody>
			</table>
		</ScrollRegion>
	);
}

/** The latest leavers with when their access ended and how long that took. */
export function RecentLeavers() {
	const trpc = useTRPC();
	const leavers = useQuery(trpc.dashboard.recentLeavers.queryOptions({ limit: 10 }));
	return (
		<Section
			title="Recent leavers"
			description="The latest users the IdP deprovisioned or deleted."
			actions={
				<a className="text-sm font-medium text-accent-700 underline" href="/audit">
					Offboarding report
				</a>
			}
		>
			<QueryView
				query={leavers}
				loadingLabel="Loading leavers…"
				isEmpty={(data) => data.length === 0}
				empty={
					<EmptyState title="No leavers yet">Users the IdP deactivates or deletes show here.</EmptyState>
				}
			>
				{(data) => <LeaversTable leavers={data} />}
			</QueryView>
		</Section>
	);
}
