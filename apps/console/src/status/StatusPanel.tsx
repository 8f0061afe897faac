import { type Readiness, useReadiness } from "./useReadiness.ts";

const labels: Record<Readiness, string> = {
	checking: "Checking database…",
	ready: "Database ready",
	unavailable: "Database unavailable",
};

/** Live server status; a polite live region so screen readers hear when the database changes state. */
export function StatusPanel() {
	const readiness = useReadiness();
	return (
		<section className="panel" aria-labelledby="status-heading">
			<h2 id="status-heading">Server status</h2>
			<p role="status" aria-live="polite" className={`status status-${readiness}`}>
				<span className="status-dot" aria-hidden="true" />
				{labels[readiness]}
			</p>
		</section>
	);
}
