import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Button } from "./button.tsx";
import { errorMessage } from "./errors.ts";
import { Notice } from "./notice.tsx";

/** A polite "loading" placeholder, announced to screen readers. */
export function Loading({ label = "Loading…" }: { label?: string }) {
	return (
		<p role="status" className="flex items-center gap-2 py-6 text-sm text-slate-600">
			<span
				className="size-4 animate-spin rounded-full border-2 border-slate-300 border-t-accent-600"
				aria-hidden="true"
			/>
			{label}
		</p>
	);
}

/** What a screen or table shows when there is nothing yet, with the next step to take. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
	return (
		<div className="rounded-md border border-dashed border-slate-300 px-4 py-8 text-center">
			<p className="font-medium text-slate-800">{title}</p>
			{children && <div className="mt-1 text-sm text-slate-600">{children}</div>}
		</div>
	);
}

/** A failed read, with its message and a retry. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
	return (
		<Notice tone="danger" title="Could not load this">
			<p>{errorMessage(error)}</p>
			{onRetry && (
				<Button size="sm" className="mt-2" onClick={onRetry}>
					Retry
				</Button>
			)}
		</Notice>
	);
}

/**
 * The four states of every read: loading, error (with retry), empty (when `isEmpty` says so) and data.
 * Screens pass the query and render only the data case.
 */
export function QueryView<T>({
	query,
	isEmpty,
	empty,
	loadingLabel,
	children,
}: {
	query: UseQueryResult<T, unknown>;
	isEmpty?: (data: T) => boolean;
	empty?: ReactNode;
	loadingLabel?: string;
	children: (data: T) => ReactNode;
}) {
	if (query.isPending) return <Loading label={loadingLabel} />;
	if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
	if (isEmpty?.(query.data)) return <>{empty ?? <EmptyState title="Nothing here yet" />}</>;
	return <>{children(query.data)}</>;
}
