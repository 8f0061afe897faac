import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Page, Section } from "../../ui/page.tsx";
import { EmptyState, QueryView } from "../../ui/query-view.tsx";
import { TimeText } from "../../ui/time-text.tsx";
import type { WebhookDelivery } from "./types.ts";

const route = getRouteApi("/app/webhooks/$endpointId");

/** The table's columns; `replay` sends a logged message again with its original webhook-id. */
function columnsFor(
	replay: (delivery: WebhookDelivery) => void,
	busy: boolean,
): ColumnDef<WebhookDelivery, unknown>[] {
	return [
		{ header: "When", cell: ({ row }) => <TimeText iso={row.original.createdAt} /> },
		{ header: "Event", cell: ({ row }) => row.original.eventType },
		{ header: "webhook-id", cell: ({ row }) => <code>{row.original.messageId}</code> },
		{
			header: "Result",
			cell: ({ row }) =>
				row.original.ok ? (
					<Badge tone="success">Delivered {row.original.statusCode}</Badge>
				) : (
					<Badge tone="danger">Failed: {row.original.error}</Badge>
				),
		},
		{
			header: "Attempt",
			cell: ({ row }) => `${row.original.attempt}${row.original.replay ? " (replay)" : ""}`,
		},
		{ header: "Duration", cell: ({ row }) => `${row.original.durationMs} ms` },
		{
			header: "Answer",
			cell: ({ row }) => (
				<span className="font-mono text-xs break-all">{row.original.responseBody ?? "—"}</span>
			),
		},
		{
			header: "",
			id: "replay",
			cell: ({ row }) => (
				<Button disabled={busy} onClick={() => replay(row.original)}>
					Replay
				</Button>
			),
		},
	];
}

/** One endpoint's delivery log, newest first, with replay. */
export function DeliveryLogPage() {
	const { endpointId } = route.useParams();
	const trpc = useTRPC();
	const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions({ id: endpointId, limit: 100 }));
	const queryClient = useQueryClient();
	const replay = useMutation(
		trpc.webhooks.replay.mutationOptions({
			onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.pathKey() }),
		}),
	);
	return (
		<Page
			title="Delivery log"
			description="Every attempt to deliver to this endpoint, newest first: status, error, duration and the start of the answer."
			actions={
				<Link to="/webhooks" className="text-sm font-medium text-accent-700 underline underline-offset-2">
					All endpoints
				</Link>
			}
		>
			<p role="status" className="text-sm text-slate-800">
				{replay.isPending && "Sending again…"}
				{replay.isSuccess &&
					(replay.data.ok
						? `Replay delivered (${replay.data.statusCode})`
						: `Replay failed: ${replay.data.error}`)}
				{replay.isError && errorMessage(replay.error)}
			</p>
			<Section title="Latest deliveries">
				<QueryView query={deliveries} loadingLabel="Loading deliveries…">
					{(rows) =>
						rows.length === 0 ? (
							<EmptyState title="No delivery yet">Deliveries appear here as events happen.</EmptyState>
						) : (
							<DataTable
								caption="Webhook deliveries"
								columns={columnsFor(
									(delivery) => replay.mutate({ id: endpointId, deliveryId: delivery.id }),
									replay.isPending,
								)}
								rows={rows}
								rowKey={(row) => String(row.id)}
							/>
						)
					}
				</QueryView>
			</Section>
		</Page>
	);
}
