import { clsx } from "clsx";
import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from "react";

const CONTROL =
	"block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 placeholder:text-slate-400 aria-invalid:border-red-600";

/**
 * A labelled form control with its hint and its error, wired with `aria-describedby` and
 * `aria-invalid`. `children` receives the ids to put on the control.
 */
export function Field({
	label,
	hint,
	error,
	children,
	className,
}: {
	label: ReactNode;
	hint?: ReactNode;
	error?: string;
	children: (control: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean }) => ReactNode;
	className?: string;
}) {
	const id = useId();
	const hintId = `${id}-hint`;
	const errorId = `${id}-error`;
	const describedBy = [hint ? hintId : undefined, error ? errorId : undefined].filter(Boolean).join(" ");
	return (
		<div className={clsx("flex flex-col gap-1", className)}>
			<label htmlFor={id} className="text-sm font-medium text-slate-800">
				{label}
			</label>
			{children({
				id,
				"aria-describedby": describedBy || undefined,
				"aria-invalid": error ? true : undefined,
			})}
			{hint && (
				<p id={hintId} className="text-xs text-slate-600">
					{hint}
				</p>
			)}
			{error && (
				<p id={errorId} className="text-xs font-medium text-red-700">
					{error}
				</p>
			)}
		</div>
	);
}

/** A text input styled like every other. */
export function TextInput({ className, ...props }: InputHTMLAttributes<HTMLInputElement>) {
	return <input className={clsx(CONTROL, className)} {...props} />;
}

/** A native select (keyboard and screen-reader behaviour for free). */
export function Select({ className, children, ...props }: SelectHTMLAttributes<HTMLSelectElement>) {
	return (
		<select className={clsx(CONTROL, className)} {...props}>
			{children}
		</select>
	);
}

/** The `<option>`s of a select over a fixed list of values, each shown by its label. */
export function LabelledOptions<Value extends string>({
	values,
	labels,
}: {
	values: readonly Value[];
	labels: Readonly<Record<Value, string>>;
}) {
	return values.map((value) => (
		<option key={value} value={value}>
			{labels[value]}
		</option>
	));
}

/** A checkbox with its label beside it. */
export function Checkbox({
	label,
	className,
	...props
}: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode }) {
	return (
		<label className={clsx("inline-flex items-center gap-2 text-sm text-slate-800", className)}>
			<input type="checkbox" className="size-4 rounded border-slate-400 accent-accent-600" {...props} />
			{label}
		</label>
	);
}
