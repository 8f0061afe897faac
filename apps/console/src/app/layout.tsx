import type { AccessTier } from "@roster/domain/tiers";
import { useQuery } from "@tanstack/react-query";
import { Link, Navigate, Outlet, useLocation, useNavigate } from "@tanstack/react-router";
import { useEffect } from "react";
import { UserMenu } from "../auth/UserMenu.tsx";
import { useTRPC } from "../trpc.ts";
import { errorCode } from "../ui/errors.ts";
import { ErrorState, Loading } from "../ui/query-view.tsx";
import { MY_ACCESS_PATH, navItemsFor } from "./nav.ts";
import { SESSION_PROBE } from "./session-probe.ts";
import { useTierFreshness } from "./tier-freshness.ts";

/**
 * Navigation: a sidebar on wide windows, a wrapping bar on narrow ones; the current screen is marked.
 * It lists only the screens the reader's tier has.
 */
function Navigation({ tier }: { tier: AccessTier }) {
	return (
		<nav aria-label="Main" className="md:w-56 md:shrink-0">
			<ul className="flex flex-wrap gap-1 md:flex-col">
				{navItemsFor(tier).map(({ to, label, icon: Icon }) => (
					<li key={to}>
						<Link
							to={to}
							activeOptions={{ exact: to === "/" }}
							className="flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-200/70 aria-[current=page]:bg-accent-50 aria-[current=page]:text-accent-800"
						>
							<Icon className="size-4" aria-hidden="true" />
							{label}
						</Link>
					</li>
				))}
			</ul>
		</nav>
	);
}

/**
 * The signed-in frame of every screen. Signed out (or after the session ended) it sends the reader to
 * sign-in and back here afterwards. A signed-in user who is not an administrator has My access only:
 * every other address sends them there, after sign-in too (password or SSO, whatever `next` was).
 */
export function AppLayout() {
	const trpc = useTRPC();
	const location = useLocation();
	const navigate = useNavigate();
	const me = useQuery(trpc.session.me.queryOptions(undefined, { retry: false, meta: SESSION_PROBE }));
	useTierFreshness();
	const signedOut = me.isError && errorCode(me.error) === "UNAUTHORIZED";
	// Navigate once, from where the reader was: with `location.href` as a dependency each hop re-ran the
	// effect while this layout was still mounted, nesting `next=/sign-in?next=…` a hundred levels deep.
	useEffect(() => {
		if (signedOut) void navigate({ to: "/sign-in", search: { next: location.href }, replace: true });
	}, [signedOut, navigate]);
	if (me.isPending || signedOut) return <Loading label="Checking your session…" />;
	if (me.isError) {
		return (
			<main className="p-6">
				<ErrorState error={me.error} onRetry={() => void me.refetch()} />
			</main>
		);
	}
	const isAdmin = me.data.tier === "ADMIN";
	if (!isAdmin && location.pathname !== MY_ACCESS_PATH) {
		return (
			<>
				<Navigate to={MY_ACCESS_PATH} replace />
				<Loading label="Opening My access…" />
			</>
		);
	}
	return (
		<div className="min-h-screen">
			<a
				href="#main"
				className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
			>
				Skip to content
			</a>
			<header className="flex items-center justify-between gap-4 border-b border-slate-200 bg-white px-4 py-3">
				<Link to={isAdmin ? "/" : MY_ACCESS_PATH} className="text-lg font-semibold text-accent-700">
					Roster
				</Link>
				<UserMenu userName={me.data.userName} />
			</header>
			<div className="flex flex-col gap-4 p-4 md:flex-row md:gap-6 md:p-6">
				<Navigation tier={me.data.tier} />
				<main id="main" className="min-w-0 flex-1">
					<Outlet />
				</main>
			</div>
		</div>
	);
}
