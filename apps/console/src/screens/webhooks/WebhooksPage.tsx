import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { ConfirmDialog } from "../../ui/dialog.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Notice } from "../../ui/notice.tsx";
import { Page, Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { TimeText } from "../../ui/time-text.tsx";
import { AddEndpointDialog } from "./AddEndpointDialog.tsx";
import type { WebhookEndpoint } from "./types.ts";

/** Pause or resume, and delete (asked first) — one endpoint's actions. */
function EndpointActions({ endpoint }: { endpoint: WebhookEndpoint }) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const [confirming, setConfirming] = useState(false);
	const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
	const toggle = useMutation(trpc.webhooks.setEnabled.mutationOptions({ onSuccess: refresh }));
	const remove = useMutation(
		trpc.webhooks.delete.mutationOptions({
			onSuccess: async () => {
				setConfirming(false);
				await refresh();
			},
		}),
	);
	return (
		<div className="flex flex-wrap items-center gap-2">
			<Button
				busy={toggle.isPending}
				busyLabel="Saving…"
				onClick={() => toggle.mutate({ id: endpoint.id, enabled: !endpoint.enabled })}
			>
				{endpoint.enabled ? "Disable" : "Enable"}
			</Button>
			<Button variant="danger" onClick={() => setConfirming(true)}>
				Delete
			</Button>
			{(toggle.isError || remove.isError) && (
				<span role="alert" className="text-xs font-medium text-red-700">
					{errorMessage(toggle.error ?? remove.error)}
				</span>
			)}
			<ConfirmDialog
				open={confirming}
				onOpenChange={setConfirming}
				title="Delete this endpoint?"
				confirmLabel="Delete endpoint"
				busy={remove.isPending}
				onConfirm={() => remove.mutate({ id: endpoint.id })}
			>
				Deliveries to {endpoint.url} stop and its delivery log is deleted. The events stay in the feed.
			</ConfirmDialog>
		</div>
	);
}

const columns: ColumnDef<WebhookEndpoint, unknown>[] = [
	{
		header: "Endpoint",
		cell: ({ row }) => (
			<Link
				to="/webhooks/$endpointId"
				params={{ endpointId: row.original.id }}
				className="font-medium break-all text-accent-700 underline-offset-2 hover:underline"
			>
				{row.original.url}
			</Link>
		),
	},
	{ header: "Description", cell: ({ row }) => row.original.description || "—" },
	{
		header: "Status",
		cell: ({ row }) =>
			!row.original.enabled ? (
				<Badge>Disabled</Badge>
			) : row.original.lastError ? (
				<Badge tone="danger">Failing: {row.original.lastError}</Badge>
			) : (
				<Badge tone="success">Delivering</Badge>
			),
	},
	{ header: "Delivered through", cell: ({ row }) => <code>{row.original.deliveredThrough}</code> },
	{ header: "Created", cell: ({ row }) => <TimeText iso={row.original.createdAt} /> },
	{ header: "Actions", cell: ({ row }) => <EndpointActions endpoint={row.original} /> },
];

/** Webhooks: where this organization's provisioning events are delivered, and how delivery is going. */
export function WebhooksPage() {
	const trpc = useTRPC();
	const list = useQuery(trpc.webhooks.list.queryOptions());
	const [adding, setAdding] = useState(false);
	return (
		<Page
			title="Webhooks"
			description="Host applications hear of every provisioning change (users provisioned, updated, deprovisioned, reactivated, deleted; groups synced; access changed), signed per Standard Webhooks. Consumers that poll use GET /api/v1/events."
			actions={
				<Button variant="primary" onClick={() => setAdding(true)}>
					Add endpoint
				</Button>
			}
		>
			<AddEndpointDialog open={adding} onOpenChange={setAdding} />
			<Section title="Endpoints">
				<QueryView query={list} loadingLabel="Loading webhook endpoints…">
					{(endpoints) =>
						endpoints.length === 0 ? (
							<EmptyState title="No webhook endpoint yet">
								Add your application's receiver URL; it gets events from then on.
							</EmptyState>
						) : (
							<>
								{endpoints.some((endpoint) => endpoint.enabled && endpoint.lastError) && (
									<Notice tone="warning">
										A failing endpoint is retried with growing delays; later events wait behind the failed
										one.
									</Notice>
								)}
								<DataTable
									caption="Webhook endpoints"
									columns={columns}
									rows={endpoints}
									rowKey={(row) => row.id}
								/>
							</>
						)
					}
				</QueryView>
			</Section>
		</Page>
	);
}
