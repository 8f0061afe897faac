import { EXPIRING_SOON_DAYS } from "@roster/domain/inputs/connections";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useTRPC } from "../../trpc.ts";
import { Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { TimeText } from "../../ui/time-text.tsx";
import { HealthBadge, healthHelp } from "./status-badges.tsx";

/** Tokens that stop working within two weeks, each linked to its connection for rotation. */
export function TokensNearExpiryPanel() {
	const trpc = useTRPC();
	const expiring = useQuery(trpc.connections.expiringTokens.queryOptions({ withinDays: EXPIRING_SOON_DAYS }));
	return (
		<Section
			title="Tokens near expiry"
			description={`SCIM tokens that expire within ${EXPIRING_SOON_DAYS} days.`}
		>
			<QueryView
				query={expiring}
				isEmpty={(tokens) => tokens.length === 0}
				empty={<EmptyState title={`No token expires within ${EXPIRING_SOON_DAYS} days`} />}
			>
				{(tokens) => (
					<ul className="flex flex-col gap-2 text-sm">
						{tokens.map((token) => (
							<li key={token.id}>
								<code>{token.prefix}…</code> of{" "}
								<Link
									to="/connections/$connectionId"
									params={{ connectionId: token.connection.id }}
									className="font-medium text-accent-700 underline"
								>
									{token.connection.name}
								</Link>{" "}
								expires <TimeText iso={token.expiresAt} />
							</li>
						))}
					</ul>
				)}
			</QueryView>
		</Section>
	);
}

/** Connections gone silent (no request for a day) or failing, with when they last called. */
export function ConnectionsNeedingAttentionPanel() {
	const trpc = useTRPC();
	const overview = useQuery(trpc.connections.list.queryOptions());
	return (
		<Section title="Connections needing attention" description="Gone silent for a day, or failing.">
			<QueryView
				query={overview}
				isEmpty={(data) => !data.connections.some(needsAttention)}
				empty={<EmptyState title="No connection is silent or failing" />}
			>
				{(data) => (
					<ul className="flex flex-col gap-2 text-sm">
						{data.connections.filter(needsAttention).map((connection) => (
							<li key={connection.id} className="flex flex-wrap items-center gap-2">
								<Link
									to="/connections/$connectionId"
									params={{ connectionId: connection.id }}
									className="font-medium text-accent-700 underline"
								>
									{connection.name}
								</Link>
								<HealthBadge status={connection.health.status} />
								<span className="text-slate-600">
									last request <TimeText iso={connection.health.lastRequestAt} />.{" "}
									{healthHelp(connection.health.status)}
								</span>
							</li>
						))}
					</ul>
				)}
			</QueryView>
		</Section>
	);
}

function needsAttention(connection: { health: { status: string } }): boolean {
	return connection.health.status === "silent" || connection.health.status === "failing";
}
