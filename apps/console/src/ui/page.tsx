import { clsx } from "clsx";
import type { ReactNode } from "react";

/** A screen: its one `<h1>`, an optional description and actions, then its sections. */
export function Page({
	title,
	description,
	actions,
	children,
}: {
	title: ReactNode;
	description?: ReactNode;
	actions?: ReactNode;
	children: ReactNode;
}) {
	return (
		<div className="mx-auto flex w-full max-w-6xl flex-col gap-6">
			<header className="flex flex-wrap items-start justify-between gap-3">
				<div className="min-w-0">
					<h1 className="text-2xl font-semibold tracking-tight text-slate-900 break-words">{title}</h1>
					{description && <p className="mt-1 max-w-3xl text-sm text-slate-600">{description}</p>}
				</div>
				{actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
			</header>
			{children}
		</div>
	);
}

/** A titled panel of a screen; `headingLevel` keeps the outline right when sections nest. */
export function Section({
	title,
	description,
	actions,
	children,
	className,
}: {
	title?: ReactNode;
	description?: ReactNode;
	actions?: ReactNode;
	children: ReactNode;
	className?: string;
}) {
	return (
		<section className={clsx("rounded-lg border border-slate-200 bg-white p-4 shadow-sm", className)}>
			{(title || actions) && (
				<div className="mb-3 flex flex-wrap items-start justify-between gap-2">
					<div>
						{title && <h2 className="text-base font-semibold text-slate-900">{title}</h2>}
						{description && <p className="mt-0.5 text-sm text-slate-600">{description}</p>}
					</div>
					{actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
				</div>
			)}
			{children}
		</section>
	);
}

/** A definition list of label → value pairs (a profile, a connection's facts). */
export function Facts({ items }: { items: readonly { label: string; value: ReactNode }[] }) {
	return (
		<dl className="grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
			{items.map((item) => (
				<div key={item.label} className="contents">
					<dt className="font-medium text-slate-600">{item.label}</dt>
					<dd className="min-w-0 break-words text-slate-900">{item.value}</dd>
				</div>
			))}
		</dl>
	);
}
