import { idpKinds, idpPresets } from "@roster/domain/inputs/connections";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { ConfirmDialog } from "../../ui/dialog.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Notice } from "../../ui/notice.tsx";
import { Page, Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { TimeText } from "../../ui/time-text.tsx";
import { GuideLink } from "../help/GuideLink.tsx";
import { AddConnectionDialog } from "./AddConnectionDialog.tsx";
import { ExpiringTokensNotice } from "./ExpiringTokensNotice.tsx";
import { formatErrorRate, HealthBadge } from "./status-badges.tsx";
import type { ConnectionSummary } from "./types.ts";

const columns: ColumnDef<ConnectionSummary, unknown>[] = [
	{
		header: "Connection",
		cell: ({ row }) => (
			<Link
				to="/connections/$connectionId"
				params={{ connectionId: row.original.id }}
				className="font-medium text-accent-700 underline-offset-2 hover:underline"
			>
				{row.original.name}
			</Link>
		),
	},
	{ header: "IdP", cell: ({ row }) => idpPresets[row.original.idpKind].label },
	{ header: "Health", cell: ({ row }) => <HealthBadge status={row.original.health.status} /> },
	{ header: "Last request", cell: ({ row }) => <TimeText iso={row.original.health.lastRequestAt} /> },
	{
		header: "Requests (24 h)",
		cell: ({ row }) => {
			const { requests24h, errorRate } = row.original.health;
			return requests24h === 0 ? "0" : `${requests24h} (${formatErrorRate(errorRate)} errors)`;
		},
	},
	{
		header: "Tokens",
		cell: ({ row }) => {
			const { live, expiringSoon } = row.original.tokens;
			return `${live} live${expiringSoon > 0 ? `, ${expiringSoon} expiring soon` : ""}`;
		},
	},
	{ header: "Created", cell: ({ row }) => <TimeText iso={row.original.createdAt} /> },
];

/** The organization-wide SCIM switch; turning it off asks first, since every IdP then gets 404. */
function ScimSwitch({ enabled }: { enabled: boolean }) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const [confirming, setConfirming] = useState(false);
	const toggle = useMutation(
		trpc.connections.setScimEnabled.mutationOptions({
			onSuccess: async () => {
				setConfirming(false);
				await queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
			},
		}),
	);
	return (
		<Section
			title="SCIM for this organization"
			description={
				enabled
					? "On: identity providers can create, update and deprovision users with their tokens."
					: "Off: every SCIM request of this organization's tokens is answered 404; nothing changes."
			}
			actions={
				<Button
					variant={enabled ? "secondary" : "primary"}
					busy={toggle.isPending}
					busyLabel="Saving…"
					onClick={() => (enabled ? setConfirming(true) : toggle.mutate({ enabled: true }))}
				>
					{enabled ? "Turn SCIM off" : "Turn SCIM on"}
				</Button>
			}
		>
			{toggle.isSuccess && (
				<Notice tone="success">SCIM is now {toggle.data.scimEnabled ? "on" : "off"}.</Notice>
			)}
			{toggle.isError && <Notice tone="danger">{errorMessage(toggle.error)}</Notice>}
			<ConfirmDialog
				open={confirming}
				onOpenChange={setConfirming}
				title="Turn SCIM off?"
				confirmLabel="Turn SCIM off"
				busy={toggle.isPending}
				onConfirm={() => toggle.mutate({ enabled: false })}
			>
				Every identity provider of this organization gets 404 until SCIM is turned on again. Users and their
				access stay as they are.
			</ConfirmDialog>
		</Section>
	);
}

/** Every IdP's setup guide: SCIM, attribute mappings, sign-in, checks and errors, step by step. */
function SetupGuides() {
	return (
		<Section
			title="Setup guides"
			description="Step by step for each identity provider: SCIM provisioning, attribute mappings, single sign-on, how to verify, and common errors."
			actions={
				<Link to="/help/idp" className="text-sm font-medium text-accent-700 underline underline-offset-2">
					All setup guides
				</Link>
			}
		>
			<ul className="flex flex-wrap gap-x-6 gap-y-2">
				{idpKinds
					.filter((kind) => idpPresets[kind].guide)
					.map((kind) => (
						<li key={kind}>
							<GuideLink idpKind={kind} />
						</li>
					))}
			</ul>
		</Section>
	);
}

/** SSO & provisioning: every IdP connection with its health at a glance, the SCIM switch, the setup guides. */
export function ConnectionsPage() {
	const trpc = useTRPC();
	const list = useQuery(trpc.connections.list.queryOptions());
	const [adding, setAdding] = useState(false);
	return (
		<Page
			title="SSO & provisioning"
			description="Identity providers push users and groups into Roster over SCIM 2.0. Each connection has its own tokens, compatibility settings and health."
			actions={
				<Button variant="primary" onClick={() => setAdding(true)}>
					Add connection
				</Button>
			}
		>
			<AddConnectionDialog open={adding} onOpenChange={setAdding} />
			<QueryView query={list} loadingLabel="Loading connections…">
				{(data) => (
					<>
						<ScimSwitch enabled={data.organization.scimEnabled} />
						<ExpiringTokensNotice />
						<Section title="Connections">
							{data.connections.length === 0 ? (
								<EmptyState title="No connection yet">
									Add a connection for your identity provider (Entra ID, Okta, PingFederate, OneLogin or any
									SCIM client), then create its token.
								</EmptyState>
							) : (
								<DataTable
									caption="IdP connections"
									columns={columns}
									rows={data.connections}
									rowKey={(row) => row.id}
								/>
							)}
						</Section>
					</>
				)}
			</QueryView>
			<SetupGuides />
		</Page>
	);
}
