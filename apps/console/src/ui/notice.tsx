import { clsx } from "clsx";
import type { ReactNode } from "react";
import type { Tone } from "./badge.tsx";

const TONES: Record<Tone, string> = {
	neutral: "border-slate-300 bg-white text-slate-800",
	success: "border-green-600/40 bg-green-50 text-green-900",
	warning: "border-amber-600/50 bg-amber-50 text-amber-950",
	danger: "border-red-600/40 bg-red-50 text-red-900",
	info: "border-accent-600/40 bg-accent-50 text-accent-800",
};

/**
 * An inline message: the result of a mutation, a warning, a failure. Errors are announced at once
 * (`role="alert"`), everything else politely (`role="status"`).
 */
export function Notice({
	tone = "info",
	title,
	children,
	className,
}: {
	tone?: Tone;
	title?: string;
	children?: ReactNode;
	className?: string;
}) {
	return (
		<div
			role={tone === "danger" ? "alert" : "status"}
			className={clsx("rounded-md border px-3 py-2 text-sm", TONES[tone], className)}
		>
			{title && <p className="font-semibold">{title}</p>}
			{children && <div className={title ? "mt-0.5" : undefined}>{children}</div>}
		</div>
	);
}
