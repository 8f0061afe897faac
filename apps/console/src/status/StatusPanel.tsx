import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc.ts";
import { type Readiness, useReadiness } from "./useReadiness.ts";

const labels: Record<Readiness, string> = {
	checking: "Checking database…",
	ready: "Database ready",
	unavailable: "Database unavailable",
};

/** Live server status; a polite live region so screen readers hear when the database changes state. */
export function StatusPanel() {
	const readiness = useReadiness();
	const trpc = useTRPC();
	const info = useQuery(trpc.system.info.queryOptions());
	return (
		<section className="panel" aria-labelledby="status-heading">
			<h2 id="status-heading">Server status</h2>
			<p role="status" aria-live="polite" className={`status status-${readiness}`}>
				<span className="status-dot" aria-hidden="true" />
				{labels[readiness]}
			</p>
			{info.data && (
				<p className="version">
					{info.data.name} {info.data.version}
				</p>
			)}
		</section>
	);
}
