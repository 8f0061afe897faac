import type { AppRouter } from "@roster/server/trpc";
import type { inferRouterOutputs } from "@trpc/server";
import { clsx } from "clsx";
import { ArrowDown, ArrowUp } from "lucide-react";
import { Badge } from "../../ui/badge.tsx";

export type AccessImpact = inferRouterOutputs<AppRouter>["mappings"]["preview"];
type ImpactedUser = AccessImpact["users"][number];

const TIER_ORDER = ["NONE", "USER", "PROJECTADMIN", "ADMIN"];

const number = new Intl.NumberFormat();

function rank(order: readonly string[], value: string | null): number {
	return value === null ? -1 : order.indexOf(value);
}

/** One before → after, green with "gains" when access grows, red with "loses" when it shrinks. */
function Move({
	label,
	before,
	after,
	order,
}: {
	label: string;
	before: string | null;
	after: string | null;
	order: readonly string[];
}) {
	const gains = rank(order, after) > rank(order, before) || (before === null && after !== null);
	return (
		<li
			className={clsx(
				"flex flex-wrap items-center gap-1.5 rounded px-1.5 py-0.5",
				gains ? "bg-green-50 text-green-900" : "bg-red-50 text-red-900",
			)}
		>
			{gains ? (
				<ArrowUp className="size-3.5" aria-hidden="true" />
			) : (
				<ArrowDown className="size-3.5" aria-hidden="true" />
			)}
			<span className="font-medium">{gains ? "gains" : "loses"}</span>
			<span>
				{label}: {before ?? "none"} → {after ?? "none"}
			</span>
		</li>
	);
}

function UserMoves({ user, roleOrder }: { user: ImpactedUser; roleOrder: readonly string[] }) {
	return (
		<li className="border-t border-slate-200 py-2 first:border-t-0">
			<p className="text-sm font-medium text-slate-900">
				{user.displayName ?? user.userName}
				{user.displayName && <span className="ml-1 font-normal text-slate-600">{user.userName}</span>}
			</p>
			<ul className="mt-1 flex flex-col gap-1 text-sm">
				{user.tier && (
					<Move label="tier" before={user.tier.before} after={user.tier.after} order={TIER_ORDER} />
				)}
				{user.projectRoles.map((role) => (
					<Move
						key={role.project}
						label={`project ${role.project}`}
						before={role.before}
						after={role.after}
						order={roleOrder}
					/>
				))}
			</ul>
		</li>
	);
}

/**
 * What a mapping change does to people, before or after it is saved: counts per kind of change and the
 * first users with their tier and project-role moves.
 */
export function ImpactView({
	impact,
	heading,
	projectRoles,
}: {
	impact: AccessImpact;
	heading: string;
	/** The organization's project roles, most privileged first. */
	projectRoles: readonly string[];
}) {
	const roleOrder = [...projectRoles].reverse();
	const counts = [
		{ label: "tier raised", value: impact.tierRaised, tone: "success" as const },
		{ label: "tier lowered", value: impact.tierLowered, tone: "danger" as const },
		{ label: "project roles gained", value: impact.rolesGained, tone: "success" as const },
		{ label: "project roles lost", value: impact.rolesLost, tone: "danger" as const },
		{ label: "project roles changed", value: impact.rolesChanged, tone: "warning" as const },
	];
	return (
		<section
			aria-label={heading}
			className="flex flex-col gap-3 rounded-md border border-slate-200 bg-slate-50 p-3"
		>
			<h3 className="text-sm font-semibold text-slate-900">{heading}</h3>
			<p className="text-sm text-slate-700">
				{impact.usersAffected === 0
					? `No one's access changes (${number.format(impact.usersExamined)} users checked).`
					: `${number.format(impact.usersAffected)} of ${number.format(impact.usersExamined)} users checked change access.`}
			</p>
			{impact.usersAffected > 0 && (
				<ul className="flex flex-wrap gap-2" aria-label="Changes by kind">
					{counts
						.filter((count) => count.value > 0)
						.map((count) => (
							<li key={count.label}>
								<Badge tone={count.tone}>
									{number.format(count.value)} {count.label}
								</Badge>
							</li>
						))}
				</ul>
			)}
			{impact.users.length > 0 && (
				<div>
					<p className="text-xs text-slate-600">
						{impact.users.length < impact.usersAffected
							? `The first ${impact.users.length} of ${number.format(impact.usersAffected)} users:`
							: "Everyone affected:"}
					</p>
					<ul className="mt-1 max-h-72 overflow-y-auto rounded border border-slate-200 bg-white px-2">
						{impact.users.map((user) => (
							<UserMoves key={user.id} user={user} roleOrder={roleOrder} />
						))}
					</ul>
				</div>
			)}
		</section>
	);
}
