import { getRouteApi, Link } from "@tanstack/react-router";
import { Notice } from "../ui/notice.tsx";
import { SSO_REFUSALS, UNKNOWN_REFUSAL } from "./sso-refusals.ts";

const route = getRouteApi("/sign-in/refused");

/** Where a refused single sign-on lands: what happened in plain words, what to do, and the way back. */
export function SsoRefusedPage() {
	const { reason } = route.useSearch();
	const text = reason ? SSO_REFUSALS[reason] : UNKNOWN_REFUSAL;
	return (
		<main id="main" className="flex min-h-screen items-center justify-center bg-slate-100 p-4">
			<div className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
				<p className="text-lg font-semibold text-accent-700">Roster</p>
				<h1 className="mt-2 text-2xl font-semibold text-slate-900">{text.title}</h1>
				<Notice tone="warning" className="mt-4">
					{text.happened}
				</Notice>
				<h2 className="mt-4 text-base font-semibold text-slate-900">What you can do</h2>
				<p className="mt-1 text-sm text-slate-700">{text.todo}</p>
				{reason && (
					<p className="mt-4 text-xs text-slate-600">
						Reason code for your administrator: <code>{reason}</code>
					</p>
				)}
				<p className="mt-6">
					<Link to="/sign-in" className="text-sm font-medium text-accent-700 underline">
						Back to sign-in
					</Link>
				</p>
			</div>
		</main>
	);
}
