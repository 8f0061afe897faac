import { idpPresets } from "@roster/domain/inputs/connections";
import { useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useTRPC } from "../../trpc.ts";
import { errorCode } from "../../ui/errors.ts";
import { Facts, Page, Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { TimeText } from "../../ui/time-text.tsx";
import { GuideLink } from "../help/GuideLink.tsx";
import { ManageConnection } from "./ManageConnection.tsx";
import { SettingsForm } from "./SettingsForm.tsx";
import { AttributeMappingsSection, BaseUrlsSection, SetupStepsSection } from "./setup-sections.tsx";
import { formatErrorRate, HealthBadge, healthHelp } from "./status-badges.tsx";
import { TestConnectionPanel } from "./TestConnectionPanel.tsx";
import { TokensSection } from "./TokensSection.tsx";
import type { ConnectionDetail } from "./types.ts";

const route = getRouteApi("/app/connections/$connectionId");

function HealthSection({ connection }: { connection: ConnectionDetail }) {
	const { health } = connection;
	return (
		<Section
			title="Health"
			description={healthHelp(health.status)}
			actions={
				<>
					<GuideLink idpKind={connection.idpKind} section="errors" />
					<HealthBadge status={health.status} />
				</>
			}
		>
			<Facts
				items={[
					{ label: "Last request", value: <TimeText iso={health.lastRequestAt} /> },
					{ label: "Requests, last 24 h", value: health.requests24h },
					{ label: "Errors, last 24 h", value: `${health.errors24h} (${formatErrorRate(health.errorRate)})` },
					{
						label: "Live tokens",
						value: `${connection.tokens.live}${connection.tokens.expiringSoon ? `, ${connection.tokens.expiringSoon} expiring soon` : ""}`,
					},
					{ label: "Created", value: <TimeText iso={connection.createdAt} /> },
				]}
			/>
		</Section>
	);
}

/** One connection: how to set the IdP up, its settings, health and tokens, and a test with any of them. */
export function ConnectionPage() {
	const { connectionId } = route.useParams();
	const trpc = useTRPC();
	const connection = useQuery(trpc.connections.get.queryOptions({ connectionId }));
	if (connection.isError && errorCode(connection.error) === "NOT_FOUND") {
		return (
			<Page title="Connection not found">
				<EmptyState title="There is no such connection in this organization">
					<Link to="/connections" className="font-medium text-accent-700 underline">
						Back to SSO & provisioning
					</Link>
				</EmptyState>
			</Page>
		);
	}
	return (
		<QueryView query={connection} loadingLabel="Loading connection…">
			{(data) => (
				<Page
					title={data.name}
					description={
						<>
							{idpPresets[data.idpKind].label} connection ·{" "}
							<Link to="/connections" className="text-accent-700 underline">
								All connections
							</Link>
						</>
					}
				>
					{!data.organization.scimEnabled && (
						<p
							role="status"
							className="rounded-md border border-amber-600/50 bg-amber-50 px-3 py-2 text-sm text-amber-950"
						>
							SCIM is off for this organization: requests get 404 until it is turned on in{" "}
							<Link to="/connections" className="font-medium underline">
								SSO & provisioning
							</Link>
							.
						</p>
					)}
					<HealthSection connection={data} />
					<BaseUrlsSection idpKind={data.idpKind} organizationSlug={data.organization.slug} />
					<TokensSection connectionId={data.id} />
					<SetupStepsSection idpKind={data.idpKind} />
					<Section
						title="Test connection"
						description="Runs a real, read-only SCIM round trip from the server with a token of this connection."
						actions={<GuideLink idpKind={data.idpKind} section="verify" />}
					>
						<TestConnectionPanel connectionId={data.id} />
					</Section>
					<AttributeMappingsSection idpKind={data.idpKind} />
					<SettingsForm connection={data} />
					<ManageConnection connection={data} />
				</Page>
			)}
		</QueryView>
	);
}
