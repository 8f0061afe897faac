import { clsx } from "clsx";
import type { ReactNode } from "react";

/**
 * A container that scrolls when its content is wider or taller than the window (a table on a narrow
 * screen). It is focusable and named, so keyboard users can scroll it too (axe `scrollable-region-focusable`).
 */
export function ScrollRegion({
	label,
	className,
	busy,
	children,
}: {
	label: string;
	className?: string;
	/** True while the content is being replaced (the next page of a table). */
	busy?: boolean;
	children: ReactNode;
}) {
	return (
		<section
			aria-label={label}
			// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled by keyboard.
			tabIndex={0}
			aria-busy={busy || undefined}
			className={clsx(
				"overflow-auto rounded-md border border-slate-200 focus-visible:outline-2 focus-visible:outline-accent-600",
				className,
			)}
		>
			{children}
		</section>
	);
}
