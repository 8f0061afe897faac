import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";
import { Badge } from "../../ui/badge.tsx";
import { Button } from "../../ui/button.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Notice } from "../../ui/notice.tsx";
import { Facts, Section } from "../../ui/page.tsx";
import { QueryView } from "../../ui/query-view.tsx";
import { formatDuration } from "../../ui/time.ts";
import { TimeText } from "../../ui/time-text.tsx";

function short(hash: string): string {
	return hash.length > 16 ? `${hash.slice(0, 16)}…` : hash;
}

/**
 * The hash chain at a glance: head, unsealed count and the last full verification, with "Verify now"
 * (it re-hashes every event, so it runs on request, not on every page load).
 */
export function ChainStatusPanel() {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const status = useQuery(trpc.audit.chainStatus.queryOptions());
	const verify = useMutation(
		trpc.audit.verify.mutationOptions({
			onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.audit.pathKey() }),
		}),
	);
	return (
		<Section
			title="Hash chain"
			description="Every event is linked to the one before it with a keyed hash; a change to any past event breaks the chain."
			actions={
				<Button
					variant="primary"
					busy={verify.isPending}
					busyLabel="Verifying…"
					onClick={() => verify.mutate()}
				>
					Verify now
				</Button>
			}
		>
			<QueryView query={status} loadingLabel="Reading the chain…">
				{(chain) => {
					const last = chain.lastVerification;
					return (
						<div className="flex flex-col gap-3">
							<Facts
								items={[
									{
										label: "Last verification",
										value: last ? (
											<span className="flex flex-wrap items-center gap-2">
												<Badge tone={last.intact ? "success" : "danger"}>
													{last.intact ? "Intact" : "Broken"}
												</Badge>
												<span>
													verified up to event {last.upToEventId ?? "—"} ({last.verified.toLocaleString()}{" "}
													links) by {last.verifiedBy ?? "unknown"}, <TimeText iso={last.verifiedAt} />, took{" "}
													{formatDuration(last.durationMs)}
												</span>
											</span>
										) : (
											"Never verified from the console"
										),
									},
									{
										label: "Head",
										value: chain.head ? (
											<span>
												event {chain.head.eventId},{" "}
												<code title={chain.head.hash}>{short(chain.head.hash)}</code>, key v
												{chain.head.keyVersion}
											</span>
										) : (
											"No sealed event yet"
										),
									},
									{
										label: "Not sealed yet",
										value: `${chain.unsealed.toLocaleString()} (sealed within seconds)`,
									},
									{
										label: "Keys",
										value: `current v${chain.currentKeyVersion}${
											last
												? `; verified links: ${
														Object.entries(last.keyVersions)
															.map(([version, count]) => `v${version} × ${count}`)
															.join(", ") || "none"
													}`
												: ""
										}`,
									},
								]}
							/>
							{last && !last.intact && last.broken && (
								<Notice tone="danger" title="The chain is broken">
									{last.broken}
								</Notice>
							)}
						</div>
					);
				}}
			</QueryView>
			{verify.isError && (
				<Notice tone="danger" title="Verification failed" className="mt-3">
					{errorMessage(verify.error)}
				</Notice>
			)}
			{verify.isSuccess && (
				<Notice tone={verify.data.intact ? "success" : "danger"} className="mt-3">
					{verify.data.intact
						? `Chain intact: ${verify.data.verified.toLocaleString()} links verified.`
						: `Chain broken: ${verify.data.broken}`}
				</Notice>
			)}
		</Section>
	);
}
