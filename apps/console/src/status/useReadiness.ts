import { useQuery } from "@tanstack/react-query";

/** What the console can tell an operator about the server's database. */
export type Readiness = "checking" | "ready" | "unavailable";

const pollIntervalMs = 10_000;

async function fetchReadiness(): Promise<Exclude<Readiness, "checking">> {
	try {
		const response = await fetch("/readyz", { headers: { Accept: "application/json" }, cache: "no-store" });
		return response.ok ? "ready" : "unavailable";
	} catch {
		return "unavailable";
	}
}

/**
 * Polls `/readyz` so the status panel follows the database as it comes and goes; a network
 * error means the same to an operator as a 503, so both read as "unavailable".
 */
export function useReadiness(): Readiness {
	const query = useQuery({
		queryKey: ["readyz"],
		queryFn: fetchReadiness,
		refetchInterval: pollIntervalMs,
		retry: false,
	});
	return query.data ?? "checking";
}
