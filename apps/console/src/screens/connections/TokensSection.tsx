import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { type ColumnDef, DataTable } from "../../ui/data-table.tsx";
import { Field, TextInput } from "../../ui/field.tsx";
import { Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/page.tsx";
import { QueryView } from "../../ui/query-view.tsx";
import { TimeText } from "../../ui/time-text.tsx";
import { TokenStateBadge } from "./status-badges.tsx";
import { ExpiryDialog, MintTokenDialog, RevokeTokenDialog, RotateTokenDialog } from "./token-dialogs.tsx";
import type { TokenRow } from "./types.ts";

type Action = { kind: "rotate" | "expiry" | "revoke"; token: TokenRow };

function columns(act: (action: Action) => void): ColumnDef<TokenRow, unknown>[] {
	return [
		{ header: "Token", cell: ({ row }) => <code className="text-sm">{row.original.prefix}…</code> },
		{ header: "State", cell: ({ row }) => <TokenStateBadge state={row.original.state} /> },
		{
			header: "Last used",
			cell: ({ row }) => (
				<span className="flex flex-col">
					<TimeText iso={row.original.lastUsedAt} />
					{row.original.lastUsedIp && (
						<span className="text-xs text-slate-600">from {row.original.lastUsedIp}</span>
					)}
				</span>
			),
		},
		{ header: "Expires", cell: ({ row }) => <TimeText iso={row.original.expiresAt} fallback="never" /> },
		{
			header: "Created",
			cell: ({ row }) => (
				<span className="flex flex-col">
					<TimeText iso={row.original.createdAt} />
					<span className="text-xs text-slate-600">by {row.original.createdBy ?? "unknown"}</span>
				</span>
			),
		},
		{
			header: "Rotated from",
			cell: ({ row }) => (row.original.rotatedFrom ? <code>{row.original.rotatedFrom.prefix}…</code> : "—"),
		},
		{
			header: "Actions",
			cell: ({ row }) => {
				const token = row.original;
				const live = token.state === "active" || token.state === "expiring";
				if (!live) return <span className="text-xs text-slate-500">none</span>;
				return (
					<span className="flex flex-wrap gap-1">
						<Button
							size="sm"
							aria-label={`Rotate token ${token.prefix}`}
							onClick={() => act({ kind: "rotate", token })}
						>
							Rotate
						</Button>
						<Button
							size="sm"
							aria-label={`Change expiry of token ${token.prefix}`}
							onClick={() => act({ kind: "expiry", token })}
						>
							Expiry
						</Button>
						<Button
							size="sm"
							variant="danger"
							aria-label={`Revoke token ${token.prefix}`}
							onClick={() => act({ kind: "revoke", token })}
						>
							Revoke
						</Button>
					</span>
				);
			},
		},
	];
}

/** A connection's tokens: search, last use (time and IP), expiry warnings, and every token action. */
export function TokensSection({ connectionId }: { connectionId: string }) {
	const trpc = useTRPC();
	const [search, setSearch] = useState("");
	const tokens = useQuery(
		trpc.connections.tokens.queryOptions(
			{ connectionId, search: search.trim() || undefined },
			{ placeholderData: (previous) => previous },
		),
	);
	const [minting, setMinting] = useState(false);
	const [action, setAction] = useState<Action | null>(null);
	const [done, setDone] = useState<string | null>(null);
	const close = (open: boolean) => {
		if (!open) setAction(null);
	};
	return (
		<Section
			title="Tokens"
			description="Shown by prefix only. The IdP sends one as Authorization: Bearer; rotate before expiry, revoke when it leaks."
			actions={
				<Button variant="primary" onClick={() => setMinting(true)}>
					Create token
				</Button>
			}
		>
			<div className="flex flex-col gap-3">
				<Field label="Search tokens" hint="By prefix or by who created it." className="max-w-sm">
					{(control) => (
						<TextInput
							{...control}
							type="search"
							value={search}
							onChange={(event) => setSearch(event.target.value)}
						/>
					)}
				</Field>
				{done && <Notice tone="success">{done}</Notice>}
				<QueryView query={tokens} loadingLabel="Loading tokens…">
					{(rows) => (
						<DataTable
							caption="Tokens of this connection"
							columns={columns(setAction)}
							rows={rows}
							rowKey={(row) => row.id}
							busy={tokens.isFetching}
							empty={
								search.trim() ? "No token matches." : "No token yet: create one and paste it into the IdP."
							}
						/>
					)}
				</QueryView>
			</div>
			<MintTokenDialog connectionId={connectionId} open={minting} onOpenChange={setMinting} />
			{action?.kind === "rotate" && (
				<RotateTokenDialog connectionId={connectionId} token={action.token} open onOpenChange={close} />
			)}
			{action?.kind === "expiry" && (
				<ExpiryDialog token={action.token} open onOpenChange={close} onDone={setDone} />
			)}
			{action?.kind === "revoke" && (
				<RevokeTokenDialog token={action.token} open onOpenChange={close} onDone={setDone} />
			)}
		</Section>
	);
}
