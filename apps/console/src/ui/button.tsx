import { clsx } from "clsx";
import type { ButtonHTMLAttributes } from "react";

const VARIANTS = {
	primary: "bg-accent-600 text-white hover:bg-accent-700 disabled:bg-accent-600/60",
	secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-100 disabled:text-slate-400",
	danger: "bg-red-700 text-white hover:bg-red-800 disabled:bg-red-700/60",
	ghost: "text-slate-700 hover:bg-slate-200/70 disabled:text-slate-400",
} as const;

export type ButtonVariant = keyof typeof VARIANTS;

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
	variant?: ButtonVariant;
	size?: "sm" | "md";
	/** Shown instead of the label while the action runs; the button is disabled meanwhile. */
	busyLabel?: string;
	busy?: boolean;
}

/** The one button of the console: a real `<button>` (type="button" unless told), so keyboard use is native. */
export function Button({
	variant = "secondary",
	size = "md",
	busy = false,
	busyLabel,
	className,
	type = "button",
	disabled,
	children,
	...props
}: ButtonProps) {
	return (
		<button
			type={type}
			disabled={disabled || busy}
			aria-busy={busy || undefined}
			className={clsx(
				"inline-flex items-center justify-center gap-1.5 rounded-md font-medium transition-colors disabled:cursor-not-allowed",
				size === "sm" ? "px-2.5 py-1 text-sm" : "px-3.5 py-2 text-sm",
				VARIANTS[variant],
				className,
			)}
			{...props}
		>
			{busy && busyLabel ? busyLabel : children}
		</button>
	);
}
