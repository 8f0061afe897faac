import { clsx } from "clsx";
import type { ReactNode } from "react";

const TONES = {
	neutral: "bg-slate-100 text-slate-700 ring-slate-300",
	success: "bg-green-50 text-green-800 ring-green-600/30",
	warning: "bg-amber-50 text-amber-900 ring-amber-600/40",
	danger: "bg-red-50 text-red-800 ring-red-600/30",
	info: "bg-accent-50 text-accent-800 ring-accent-600/30",
} as const;

export type Tone = keyof typeof TONES;

/** A short status label; its tone is never the only carrier of meaning, the text says it too. */
export function Badge({ tone = "neutral", children }: { tone?: Tone; children: ReactNode }) {
	return (
		<span
			className={clsx(
				"inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
				TONES[tone],
			)}
		>
			{children}
		</span>
	);
}
