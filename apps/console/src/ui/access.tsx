import type { AppRouter } from "@roster/server/trpc";
import { Link } from "@tanstack/react-router";
import type { inferRouterOutputs } from "@trpc/server";
import { Badge } from "./badge.tsx";
import { Explanation } from "./explanation.tsx";
import { Notice } from "./notice.tsx";
import { Facts } from "./page.tsx";
import { EmptyState } from "./query-view.tsx";
import { TIER_LABELS } from "./tiers.ts";
import { TimeText } from "./time-text.tsx";

/** A user's stored decision in words: the same shape on the user page and on "My access". */
export type AccessView = inferRouterOutputs<AppRouter>["users"]["get"]["access"];

/** The groups a user is a member of: the first page of them and how many there are. */
export interface GroupList {
	items: readonly { id: string; displayName: string }[];
	total: number;
}

/** "Member of 3 groups." */
export function groupCountText(total: number): string {
	return `Member of ${total.toLocaleString()} ${total === 1 ? "group" : "groups"}.`;
}

const CHIP = "inline-block rounded-md border border-slate-300 px-2 py-1";

/** A user's groups by name, each linked to its page when `links` is set (administrators only). */
export function GroupChips({ groups, links }: { groups: GroupList; links: boolean }) {
	if (groups.items.length === 0) return <EmptyState title="Not a member of any group" />;
	return (
		<ul className="flex flex-wrap gap-2 text-sm">
			{groups.items.map((group) => (
				<li key={group.id}>
					{links ? (
						<Link
							to="/groups/$groupId"
							params={{ groupId: group.id }}
							className={`${CHIP} text-accent-700 hover:bg-slate-100`}
						>
							{group.displayName}
						</Link>
					) : (
						<span className={`${CHIP} text-slate-800`}>{group.displayName}</span>
					)}
				</li>
			))}
			{groups.total > groups.items.length && (
				<li className="px-2 py-1 text-slate-600">and {groups.total - groups.items.length} more</li>
			)}
		</ul>
	);
}

function ProjectRoles({ roles }: { roles: AccessView["projectRoles"] }) {
	return (
		<div>
			<h3 className="text-sm font-semibold text-slate-800">Project roles</h3>
			{roles.length === 0 ? (
				<p className="py-1.5 text-sm text-slate-600">No project roles.</p>
			) : (
				<ul className="text-sm">
					{roles.map((role) => (
						<li key={role.projectId} className="py-1">
							<span className="font-medium">{role.role}</span> on {role.projectName}{" "}
							<span className="text-slate-600">(from {role.sourceText})</span>
						</li>
					))}
				</ul>
			)}
		</div>
	);
}

/**
 * Tier, where it comes from and when it was decided, project roles, and the reason for every grant. A
 * local account's tier is set in the console, not decided from an IdP, so it says that instead of
 * listing no grants. `links` (administrators only) links each reason to its group and mapping.
 */
export function AccessDetails({ access, links }: { access: AccessView; links: boolean }) {
	const setInConsole = access.tierSource === "console";
	return (
		<div className="flex flex-col gap-4">
			<Facts
				items={[
					{ label: "Tier", value: <Badge tone="info">{TIER_LABELS[access.tier] ?? access.tier}</Badge> },
					{ label: "Tier from", value: access.tierSourceText },
					{
						label: "Decided",
						value: (
							<TimeText
								iso={access.computedAt}
								fallback={setInConsole ? "not computed: set in the console" : "not yet"}
							/>
						),
					},
				]}
			/>
			<ProjectRoles roles={access.projectRoles} />
			{setInConsole ? (
				<Notice tone="neutral">
					A local console account: its tier is set in the console, not by an identity provider, so no group,
					role or mapping is involved.
				</Notice>
			) : (
				<Explanation explanation={access.explanation} links={links} />
			)}
		</div>
	);
}
