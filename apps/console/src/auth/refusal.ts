import { TRPCClientError } from "@trpc/client";
import { errorCode, errorMessage } from "../ui/errors.ts";

/** What the sign-in page shows for a refused sign-in: a tone, a title and the words. */
export interface SignInProblem {
	tone: "danger" | "warning";
	title: string;
	message: string;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** The facts a lockout or throttle refusal carries (`data.refusal` from the server). */
function refusalOf(error: unknown): { reason?: string; retryAt?: string } {
	if (!(error instanceof TRPCClientError)) return {};
	const refusal = (error.data as { refusal?: unknown } | undefined)?.refusal;
	return refusal && typeof refusal === "object" ? (refusal as { reason?: string; retryAt?: string }) : {};
}

/**
 * Turns a failed sign-in into words for the reader: a lockout names the time it ends in the reader's own
 * time zone and the operator's way out; a throttle says how long to wait; anything else is the server's
 * one-line message (wrong email or password, unreachable server).
 */
export function signInProblem(error: unknown, now: number = Date.now()): SignInProblem {
	const refusal = refusalOf(error);
	const retryAt = refusal.retryAt ? new Date(refusal.retryAt) : undefined;
	if (refusal.reason === "locked" && retryAt) {
		return {
			tone: "warning",
			title: "Account locked",
			message: `Too many failed sign-ins locked this account. Try again after ${clock.format(retryAt)}, or ask an operator to run \`pnpm roster admin unlock --email <your email>\`.`,
		};
	}
	if (errorCode(error) === "TOO_MANY_REQUESTS") {
		const minutes = retryAt ? Math.max(1, Math.ceil((retryAt.getTime() - now) / 60_000)) : undefined;
		return {
			tone: "warning",
			title: "Too many attempts",
			message: minutes
				? `Too many failed sign-ins from your network. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`
				: errorMessage(error),
		};
	}
	return { tone: "danger", title: "Not signed in", message: errorMessage(error) };
}
