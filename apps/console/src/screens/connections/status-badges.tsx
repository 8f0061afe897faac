import { Badge, type Tone } from "../../ui/badge.tsx";
import type { ConnectionSummary, TokenRow } from "./types.ts";

type HealthStatus = ConnectionSummary["health"]["status"];

const HEALTH: Record<HealthStatus, { tone: Tone; label: string; help: string }> = {
	healthy: { tone: "success", label: "Healthy", help: "Requests arrive and mostly succeed." },
	failing: {
		tone: "danger",
		label: "Failing",
		help: "At least a fifth of the last 24 hours' requests failed.",
	},
	silent: {
		tone: "warning",
		label: "Silent",
		help: "No request for more than 24 hours: check the IdP's provisioning job.",
	},
	waiting: { tone: "info", label: "Waiting", help: "A token exists; the IdP has not called yet." },
	no_token: { tone: "neutral", label: "No token", help: "Create a token and paste it into the IdP." },
};

/** A connection's health in one word, with what it means in the title. */
export function HealthBadge({ status }: { status: HealthStatus }) {
	const health = HEALTH[status];
	return (
		<span title={health.help}>
			<Badge tone={health.tone}>{health.label}</Badge>
		</span>
	);
}

/** What a health status means, for the detail page. */
export function healthHelp(status: HealthStatus): string {
	return HEALTH[status].help;
}

const TOKEN: Record<TokenRow["state"], { tone: Tone; label: string }> = {
	active: { tone: "success", label: "Active" },
	expiring: { tone: "warning", label: "Expires soon" },
	expired: { tone: "neutral", label: "Expired" },
	revoked: { tone: "danger", label: "Revoked" },
};

/** A token's state; "Expires soon" is the warning before expiry. */
export function TokenStateBadge({ state }: { state: TokenRow["state"] }) {
	return <Badge tone={TOKEN[state].tone}>{TOKEN[state].label}</Badge>;
}

/** An error rate as a percentage, or a dash without requests. */
export function formatErrorRate(rate: number | null): string {
	return rate === null ? "—" : `${(rate * 100).toFixed(rate < 0.1 && rate > 0 ? 1 : 0)} %`;
}
