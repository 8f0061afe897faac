import { errorMessage } from "../../ui/errors.ts";
import { Notice } from "../../ui/notice.tsx";
import { ImpactView } from "./ImpactView.tsx";
import type { SavedMapping, SaveProgress } from "./save-stream.ts";

const number = new Intl.NumberFormat();

/**
 * A save's progress while its one transaction recomputes (users so far, against the preview's count when
 * there was one), then its result or its failure.
 */
export function SaveOutcome({
	pending,
	progress,
	expected,
	saved,
	error,
	projectRoles,
}: {
	pending: boolean;
	progress: SaveProgress | undefined;
	/** Users the preview examined, as the bar's total. */
	expected: number | undefined;
	saved: SavedMapping | undefined;
	error: unknown;
	projectRoles: readonly string[];
}) {
	if (pending) {
		const done = progress?.usersExamined ?? 0;
		const total = expected && expected > 0 ? Math.max(expected, done) : undefined;
		return (
			<div role="status" className="flex flex-col gap-1 text-sm text-slate-700">
				<p>
					Applying the change and recomputing access: {number.format(done)}
					{total === undefined ? "" : ` of ${number.format(total)}`} users…
				</p>
				{total !== undefined && (
					<progress
						className="w-full accent-accent-600"
						max={total}
						value={done}
						aria-label="Recompute progress"
					>
						{Math.round((done / total) * 100)}%
					</progress>
				)}
			</div>
		);
	}
	if (error) {
		return (
			<Notice tone="danger" title="Not saved">
				{errorMessage(error)}
			</Notice>
		);
	}
	if (!saved) return null;
	if (saved.job) {
		return (
			<Notice tone="success" title="Saved">
				The change is saved and audited. It affects {number.format(saved.job.total)} users, so their access is
				recomputed in a background job: follow it on the{" "}
				<a href="/jobs" className="underline">
					Jobs
				</a>{" "}
				screen. Until the job reaches a user, their stored access is the one from before this change.
			</Notice>
		);
	}
	return (
		<div className="flex flex-col gap-3">
			<Notice tone="success" title="Saved">
				Access recomputed for {number.format(saved.usersRecomputed)} users,{" "}
				{number.format(saved.usersChanged)} changed, in one audited transaction.
			</Notice>
			<ImpactView impact={saved.impact} heading="What changed" projectRoles={projectRoles} />
		</div>
	);
}
