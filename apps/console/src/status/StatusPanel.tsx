import { useQuery } from "@tanstack/react-query";
import { clsx } from "clsx";
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
		<section
			aria-label="Server status"
			className="flex items-center justify-between gap-2 px-1 text-xs text-slate-600"
		>
			<p role="status" aria-live="polite" className="flex items-center gap-1.5">
				<span
					aria-hidden="true"
					className={clsx(
						"size-2 rounded-full",
						readiness === "ready"
							? "bg-green-600"
							: readiness === "unavailable"
								? "bg-red-600"
								: "bg-slate-400",
					)}
				/>
				{labels[readiness]}
			</p>
			{info.data && (
				<p>
					{info.data.name} {info.data.version}
				</p>
			)}
		</section>
	);
}
