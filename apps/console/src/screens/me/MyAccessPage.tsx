import type { AppRouter } from "@roster/server/trpc";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useEffect } from "react";
import { SESSION_PROBE } from "../../app/session-probe.ts";
import { useTRPC } from "../../trpc.ts";
import { AccessDetails, GroupChips, groupCountText } from "../../ui/access.tsx";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { Facts, Page, Section } from "../../ui/page.tsx";
import { QueryView } from "../../ui/query-view.tsx";
import { formatDateTime } from "../../ui/time.ts";
import { TimeText } from "../../ui/time-text.tsx";

type MyAccess = inferRouterOutputs<AppRouter>["me"]["access"];

/** How often the page reads the stored decision again while it is open. */
export const MY_ACCESS_REFRESH_MS = 30_000;

function IdentitySection({ data }: { data: MyAccess }) {
	const { profile, connection } = data;
	return (
		<Section title="You">
			<Facts
				items={[
					{ label: "User name", value: profile.userName },
					{ label: "Display name", value: profile.displayName ?? "—" },
					{ label: "Email", value: profile.email ?? "—" },
					{
						label: "Managed by",
						value:
							profile.source === "local"
								? "A local console account (not managed by an identity provider)"
								: connection
									? `${connection.name}, over SCIM`
									: "An identity provider whose connection was removed",
					},
					{
						label: "Status",
						value: profile.active ? (
							<Badge tone="success">Active</Badge>
						) : (
							<Badge tone="warning">Inactive</Badge>
						),
					},
				]}
			/>
		</Section>
	);
}

function GroupsSection({ groups, links }: { groups: MyAccess["groups"]; links: boolean }) {
	return (
		<Section title="Your groups" description={groupCountText(groups.total)}>
			<GroupChips groups={groups} links={links} />
		</Section>
	);
}

function ValueList({ title, values }: { title: string; values: string[] }) {
	return (
		<div>
			<h3 className="text-sm font-semibold text-slate-800">{title}</h3>
			{values.length === 0 ? (
				<p className="py-1.5 text-sm text-slate-600">None.</p>
			) : (
				<ul className="text-sm">
					{values.map((value) => (
						<li key={value} className="py-1 break-all">
							<code className="rounded bg-slate-100 px-1">{value}</code>
						</li>
					))}
				</ul>
			)}
		</div>
	);
}

function SentSection({ sent }: { sent: MyAccess["sent"] }) {
	return (
		<Section
			title="Sent by your identity provider"
			description="Roles and entitlements set on you directly; what granted nothing is listed under Ignored above."
		>
			<div className="grid gap-4 sm:grid-cols-2">
				<ValueList title="Roles" values={sent.roles} />
				<ValueList title="Entitlements" values={sent.entitlements} />
			</div>
		</Section>
	);
}

function SessionSection({ session }: { session: MyAccess["session"] }) {
	return (
		<Section title="This session">
			<Facts
				items={[
					{ label: "Ends at the latest", value: <TimeText iso={session.expiresAt} /> },
					{ label: "Ends if unused", value: <TimeText iso={session.idleExpiresAt} /> },
				]}
			/>
		</Section>
	);
}

/**
 * Keeps the console's frame in step with the decision this page just read: when the stored tier differs
 * from the session's (promoted or demoted since), "who is signed in?" is asked again, so the navigation
 * follows — the full console for a new administrator, My access alone for a former one.
 */
function useSessionFollows(tier: string | undefined) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const session = useQuery(trpc.session.me.queryOptions(undefined, { retry: false, meta: SESSION_PROBE }));
	const sessionTier = session.data?.tier;
	useEffect(() => {
		if (tier !== undefined && sessionTier !== undefined && tier !== sessionTier)
			void queryClient.invalidateQueries({ queryKey: trpc.session.me.queryKey() });
	}, [tier, sessionTier, queryClient, trpc]);
}

/**
 * "My access": what the signed-in user may do, and why, in the words the administrator's user page uses.
 * Every read asks the server, which reads the stored decision (nothing cached on either side): on open, on
 * Refresh, when the tab regains focus and every `MY_ACCESS_REFRESH_MS` while it is visible.
 */
export function MyAccessPage() {
	const trpc = useTRPC();
	const access = useQuery(
		trpc.me.access.queryOptions(undefined, {
			staleTime: 0,
			refetchOnWindowFocus: "always",
			refetchInterval: MY_ACCESS_REFRESH_MS,
		}),
	);
	useSessionFollows(access.data?.access.tier);
	return (
		<Page
			title="My access"
			description={
				access.data ? (
					<>
						What you may do, and why, as Roster's stored decision said at{" "}
						<time dateTime={access.data.readAt}>{formatDateTime(access.data.readAt)}</time>. It is read again
						every 30 seconds, when you come back to this tab, and when you refresh.
					</>
				) : (
					"What you may do, and why."
				)
			}
			actions={
				<Button busy={access.isFetching} busyLabel="Refreshing…" onClick={() => void access.refetch()}>
					Refresh
				</Button>
			}
		>
			<QueryView query={access} loadingLabel="Reading your access…">
				{(data) => {
					const isAdmin = data.access.tier === "ADMIN";
					return (
						<>
							<Section
								title="Your access"
								description="Your tier, your project roles, and the reason for each."
							>
								<AccessDetails access={data.access} links={isAdmin} />
							</Section>
							<GroupsSection groups={data.groups} links={isAdmin} />
							{data.profile.source === "scim" && <SentSection sent={data.sent} />}
							<div className="grid gap-6 lg:grid-cols-2">
								<IdentitySection data={data} />
								<SessionSection session={data.session} />
							</div>
						</>
					);
				}}
			</QueryView>
		</Page>
	);
}
