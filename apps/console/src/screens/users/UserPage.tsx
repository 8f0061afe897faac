import type { AppRouter } from "@roster/server/trpc";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link, useNavigate } from "@tanstack/react-router";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { AccessDetails, GroupChips, groupCountText } from "../../ui/access.tsx";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { ConfirmDialog } from "../../ui/dialog.tsx";
import { errorCode, errorMessage } from "../../ui/errors.ts";
import { Notice } from "../../ui/notice.tsx";
import { Facts, Page, Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { TimeText } from "../../ui/time-text.tsx";

type User = inferRouterOutputs<AppRouter>["users"]["get"];

const route = getRouteApi("/app/users/$userId");

function ProfileSection({ profile }: { profile: User["profile"] }) {
	return (
		<Section title="Profile">
			<Facts
				items={[
					{ label: "User name", value: profile.userName },
					{ label: "Display name", value: profile.displayName ?? "—" },
					{
						label: "Name",
						value: [profile.givenName, profile.familyName].filter(Boolean).join(" ") || "—",
					},
					{ label: "Email", value: profile.email ?? "—" },
					{
						label: "Status",
						value: profile.active ? (
							<Badge tone="success">Active</Badge>
						) : (
							<span className="inline-flex flex-wrap items-center gap-2">
								<Badge tone="warning">Inactive</Badge>
								{profile.deactivatedAt && (
									<span>
										since <TimeText iso={profile.deactivatedAt} />
									</span>
								)}
							</span>
						),
					},
					{ label: "Created", value: <TimeText iso={profile.createdAt} /> },
					{ label: "Updated", value: <TimeText iso={profile.updatedAt} /> },
				]}
			/>
		</Section>
	);
}

function SourceSection({ profile }: { profile: User["profile"] }) {
	return (
		<Section title="Source">
			<Facts
				items={
					profile.source === "local"
						? [{ label: "Source", value: "Local console account (not managed by SCIM)" }]
						: [
								{ label: "Source", value: "Provisioned over SCIM" },
								{
									label: "Connection",
									value: profile.connection
										? `${profile.connection.name} (${profile.connection.idpKind})`
										: "Its connection was deleted",
								},
								{ label: "External id", value: profile.externalId ?? "—" },
								{ label: "Roster id", value: <code>{profile.id}</code> },
							]
				}
			/>
		</Section>
	);
}

function AccessSection({ access }: { access: User["access"] }) {
	return (
		<Section title="Access" description="What this person may do, and why: read from the stored decision.">
			<AccessDetails access={access} links />
		</Section>
	);
}

function GroupsSection({ groups }: { groups: User["groups"] }) {
	return (
		<Section title="Groups" description={groupCountText(groups.total)}>
			<GroupChips groups={groups} links />
		</Section>
	);
}

function SessionsSection({
	userId,
	userName,
	sessions,
}: {
	userId: string;
	userName: string;
	sessions: User["sessions"];
}) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const [confirming, setConfirming] = useState(false);
	const me = useQuery(trpc.session.me.queryOptions(undefined, { retry: false }));
	const isSelf = me.data?.userId === userId;
	const end = useMutation(
		trpc.users.endSessions.mutationOptions({
			onSuccess: async () => {
				setConfirming(false);
				if (isSelf) {
					// Ending one's own sessions ends this one too: leave the way signing out does.
					queryClient.clear();
					await navigate({ to: "/sign-in", search: { reason: "signed-out" } });
					return;
				}
				await queryClient.invalidateQueries({ queryKey: trpc.users.get.queryKey({ id: userId }) });
			},
		}),
	);
	return (
		<Section
			title="Sessions"
			description="Console and host-application sessions that are still live."
			actions={
				<Button variant="danger" disabled={sessions.total === 0} onClick={() => setConfirming(true)}>
					End all sessions
				</Button>
			}
		>
			{end.isSuccess && (
				<Notice tone="success" className="mb-3">
					Ended {end.data.sessionsEnded} {end.data.sessionsEnded === 1 ? "session" : "sessions"}. They are
					refused from now on.
				</Notice>
			)}
			{end.isError && (
				<Notice tone="danger" title="Could not end the sessions" className="mb-3">
					{errorMessage(end.error)}
				</Notice>
			)}
			{sessions.items.length === 0 ? (
				<EmptyState title="No live sessions" />
			) : (
				<div className="overflow-x-auto rounded-md border border-slate-200">
					<table className="w-full min-w-max text-left text-sm">
						<caption className="sr-only">Live sessions</caption>
						<thead className="bg-slate-50 text-xs tracking-wide text-slate-600 uppercase">
							<tr>
								<th scope="col" className="px-3 py-2">
									Started
								</th>
								<th scope="col" className="px-3 py-2">
									Expires
								</th>
								<th scope="col" className="px-3 py-2">
									IP address
								</th>
								<th scope="col" className="px-3 py-2">
									User agent
								</th>
							</tr>
						</thead>
						<tbody>
							{sessions.items.map((session) => (
								<tr key={`${session.createdAt}-${session.expiresAt}`} className="border-t border-slate-200">
									<td className="px-3 py-2">
										<TimeText iso={session.createdAt} />
									</td>
									<td className="px-3 py-2">
										<TimeText iso={session.expiresAt} />
									</td>
									<td className="px-3 py-2">{session.ip ?? "—"}</td>
									<td className="max-w-xs truncate px-3 py-2" title={session.userAgent ?? undefined}>
										{session.userAgent ?? "—"}
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			<ConfirmDialog
				open={confirming}
				onOpenChange={setConfirming}
				title="End all sessions?"
				confirmLabel="End all sessions"
				busy={end.isPending}
				onConfirm={() => end.mutate({ id: userId })}
			>
				{userName} is signed out everywhere at once ({sessions.total} live{" "}
				{sessions.total === 1 ? "session" : "sessions"}). The audit trail records that you did it.
				{isSelf && " This is your own account: you will be signed out too."}
			</ConfirmDialog>
		</Section>
	);
}

/** One user's page: profile, source, access with the reason for every grant, groups and sessions. */
export function UserPage() {
	const trpc = useTRPC();
	const { userId } = route.useParams();
	const user = useQuery(trpc.users.get.queryOptions({ id: userId }, { retry: false }));
	if (user.isError && errorCode(user.error) === "NOT_FOUND") {
		return (
			<Page title="User not found">
				<EmptyState title="There is no such user in this organization">
					<Link to="/users" className="text-accent-700 underline">
						Back to users
					</Link>
				</EmptyState>
			</Page>
		);
	}
	return (
		<QueryView query={user} loadingLabel="Loading the user…">
			{(data) => (
				<Page
					title={data.profile.displayName ?? data.profile.userName}
					description={data.profile.displayName ? data.profile.userName : undefined}
					actions={
						<Link to="/users" className="text-sm text-accent-700 underline">
							All users
						</Link>
					}
				>
					<div className="grid gap-6 lg:grid-cols-2">
						<ProfileSection profile={data.profile} />
						<SourceSection profile={data.profile} />
					</div>
					<AccessSection access={data.access} />
					<GroupsSection groups={data.groups} />
					<SessionsSection
						userId={data.profile.id}
						userName={data.profile.userName}
						sessions={data.sessions}
					/>
				</Page>
			)}
		</QueryView>
	);
}
