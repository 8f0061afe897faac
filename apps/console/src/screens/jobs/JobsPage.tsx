import type { AppRouter } from "@roster/server/trpc";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "../../trpc.ts";
import { Badge, type Tone } from "../../ui/badge.tsx";
import { Page, Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { SimpleTable } from "../../ui/simple-table.tsx";
import { TimeText } from "../../ui/time-text.tsx";

type Job = inferRouterOutputs<AppRouter>["jobs"]["list"][number];

/** How often the screen reads the jobs again while one is queued or running. */
export const JOBS_REFRESH_MS = 1000;

const KIND_LABELS: Record<string, string> = {
	"access.recompute": "Access recompute",
};

const STATUS: Record<Job["status"], { label: string; tone: Tone }> = {
	queued: { label: "Queued", tone: "neutral" },
	running: { label: "Running", tone: "info" },
	succeeded: { label: "Succeeded", tone: "success" },
	failed: { label: "Failed", tone: "danger" },
};

/** A labelled progress bar (`<progress>`: screen readers announce its value); indeterminate without a total. */
function Progress({ job }: { job: Job }) {
	const total = job.total ?? undefined;
	const label = `${KIND_LABELS[job.kind] ?? job.kind} progress`;
	const count =
		total === undefined
			? job.done.toLocaleString()
			: `${job.done.toLocaleString()} of ${total.toLocaleString()}`;
	return (
		<div className="flex min-w-48 items-center gap-2">
			<progress
				aria-label={label}
				className="h-2 w-32 accent-accent-600"
				max={total ?? 1}
				value={total === undefined ? undefined : Math.min(job.done, total)}
			/>
			<span className="text-xs text-slate-700 tabular-nums">{count}</span>
		</div>
	);
}

function JobsTable({ jobs }: { jobs: readonly Job[] }) {
	return (
		<SimpleTable
			caption="Background jobs"
			headers={["Job", "Status", "Progress", "Attempts", "Started by", "Created", "Error"]}
			rows={jobs.map((job) => ({
				key: job.id,
				cells: [
					<span key="kind" className="font-medium">
						{KIND_LABELS[job.kind] ?? job.kind}
					</span>,
					<Badge key="status" tone={STATUS[job.status].tone}>
						{STATUS[job.status].label}
					</Badge>,
					<Progress key="progress" job={job} />,
					`${job.attempts} of ${job.maxAttempts}`,
					job.createdBy ?? "Roster",
					<TimeText key="created" iso={job.createdAt} />,
					job.error ?? "—",
				],
			}))}
		/>
	);
}

/**
 * Running and recent background jobs of the organization (large access recomputes), newest first. While
 * any is queued or running the list is read again every second, so the bars move on their own.
 */
export function JobsPage() {
	const trpc = useTRPC();
	const query = useQuery({
		...trpc.jobs.list.queryOptions(),
		refetchInterval: (current) =>
			current.state.data?.some((job) => job.status === "queued" || job.status === "running")
				? JOBS_REFRESH_MS
				: false,
	});
	return (
		<Page
			title="Jobs"
			description="Work Roster runs in the background, such as recomputing access after a mapping change that affects many users. Each job resumes where it stopped if a server restarts."
		>
			<Section title="Running and recent jobs">
				<QueryView
					query={query}
					isEmpty={(jobs) => jobs.length === 0}
					empty={
						<EmptyState title="No background jobs yet">
							A role mapping change that affects many users recomputes their access here.
						</EmptyState>
					}
				>
					{(jobs) => <JobsTable jobs={jobs} />}
				</QueryView>
			</Section>
		</Page>
	);
}
