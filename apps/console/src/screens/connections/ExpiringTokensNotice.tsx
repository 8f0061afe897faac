import { EXPIRING_SOON_DAYS } from "@roster/domain/inputs/connections";
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useTRPC } from "../../trpc.ts";
import { Notice } from "../../ui/notice.tsx";
import { TimeText } from "../../ui/time-text.tsx";

/** A warning naming the tokens that stop working within two weeks, so they are rotated in time. */
export function ExpiringTokensNotice() {
	const trpc = useTRPC();
	const expiring = useQuery(trpc.connections.expiringTokens.queryOptions({ withinDays: EXPIRING_SOON_DAYS }));
	if (!expiring.isSuccess || expiring.data.length === 0) return null;
	return (
		<Notice
			tone="warning"
			title={`${expiring.data.length} token${expiring.data.length === 1 ? "" : "s"} expire within ${EXPIRING_SOON_DAYS} days`}
		>
			<ul className="mt-1 list-disc pl-5">
				{expiring.data.map((token) => (
					<li key={token.id}>
						<code>{token.prefix}…</code> of{" "}
						<Link
							to="/connections/$connectionId"
							params={{ connectionId: token.connection.id }}
							className="font-medium underline"
						>
							{token.connection.name}
						</Link>{" "}
						expires <TimeText iso={token.expiresAt} />: rotate it before then.
					</li>
				))}
			</ul>
		</Notice>
	);
}
