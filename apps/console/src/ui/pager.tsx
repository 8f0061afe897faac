import { useCallback, useState } from "react";
import { Button } from "./button.tsx";

/**
 * Keyset paging state: the cursor of the page shown and the cursors behind it, so "Previous" needs no
 * offset. `reset` goes back to the first page (after a new search or sort).
 */
export function useCursorPager<Cursor>() {
	const [stack, setStack] = useState<Cursor[]>([]);
	const cursor = stack.at(-1);
	return {
		cursor,
		page: stack.length + 1,
		next: useCallback((nextCursor: Cursor) => setStack((previous) => [...previous, nextCursor]), []),
		previous: useCallback(() => setStack((previous) => previous.slice(0, -1)), []),
		reset: useCallback(() => setStack([]), []),
	};
}

/** Previous/next controls with where the reader is ("Page 3 · 1,204 users"). */
export function Pager({
	page,
	summary,
	hasPrevious,
	hasNext,
	onPrevious,
	onNext,
}: {
	page: number;
	summary?: string;
	hasPrevious: boolean;
	hasNext: boolean;
	onPrevious: () => void;
	onNext: () => void;
}) {
	return (
		<nav
			aria-label="Pages"
			className="flex flex-wrap items-center justify-between gap-2 pt-3 text-sm text-slate-600"
		>
			<span>
				Page {page}
				{summary ? ` · ${summary}` : ""}
			</span>
			<span className="flex gap-2">
				<Button size="sm" disabled={!hasPrevious} onClick={onPrevious}>
					Previous
				</Button>
				<Button size="sm" disabled={!hasNext} onClick={onNext}>
					Next
				</Button>
			</span>
		</nav>
	);
}
