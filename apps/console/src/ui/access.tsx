import type { AppRouter } from "@roster/server/trpc";
import type { inferRouterOutputs } from "@trpc/server";
import { Badge } from "./badge.tsx";
import { Explanation } from "./explanation.tsx";
import { Notice } from "./notice.tsx";
import { Facts } from "./page.tsx";
import { TIER_LABELS } from "./tiers.ts";
import { TimeText } from "./time-text.tsx";

/** A user's stored decision in words: the same shape on the user page and on "My access". */
export type AccessView = inferRouterOutputs<AppRouter>["users"]["get"]["access"];

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
