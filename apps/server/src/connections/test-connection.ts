import { randomUUID } from "node:crypto";
import type { Executor, Organization } from "@roster/db";
import { OperationError } from "../operation-error.ts";
import { requireConnection } from "./connections.ts";
import { findScimTokenBySecret } from "./scim-tokens.ts";
import { type TokenState, tokenState } from "./token-views.ts";

/**
 * Sends one request to this server's own SCIM API and returns its answer. The composition root builds
 * it over the app itself (`app.request`), so a test connection exercises the real SCIM stack — auth,
 * rate limits, the provisioning log — without a network hop and without this layer knowing HTTP.
 */
export type ScimLoopback = (request: Request) => Promise<Response>;

/** One request of the round trip: what was asked, what came back, and how long it took. */
export interface ConnectionTestStep {
	name: string;
	method: "GET";
	path: string;
	status: number;
	ok: boolean;
	durationMs: number;
	/** What the answer showed (e.g. "3 users"), or the SCIM error's detail and scimType. */
	detail: string;
}

export interface ConnectionTestResult {
	ok: boolean;
	token: { prefix: string; state: TokenState };
	steps: ConnectionTestStep[];
}

const LOOPBACK_ORIGIN = "http://roster.loopback";

interface StepPlan {
	name: string;
	path: string;
	/** Whether a 200 answer is what an IdP expects, and what to say about it. */
	check(body: Record<string, unknown>): { ok: boolean; detail: string };
}

function listCount(noun: string) {
	return (body: Record<string, unknown>) =>
		typeof body.totalResults === "number"
			? { ok: true, detail: `${body.totalResults} ${noun}${body.totalResults === 1 ? "" : "s"}` }
			: { ok: false, detail: "The answer is not a SCIM ListResponse" };
}

/** The read-only requests IdPs send when they test a connection (Entra's lookup, Okta's list reads). */
function plan(): StepPlan[] {
	const nobody = `roster-test-${randomUUID().slice(0, 8)}`;
	return [
		{
			name: "Service provider configuration",
			path: "/ServiceProviderConfig",
			check: (body) =>
				Array.isArray(body.schemas)
					? { ok: true, detail: "Discovery answered" }
					: { ok: false, detail: "The answer has no schemas" },
		},
		{ name: "List users", path: "/Users?startIndex=1&count=1", check: listCount("user") },
		{ name: "List groups", path: "/Groups?startIndex=1&count=1", check: listCount("group") },
		{
			name: "Look up a user who does not exist",
			path: `/Users?filter=${encodeURIComponent(`userName eq "${nobody}"`)}`,
			check: (body) =>
				body.totalResults === 0
					? { ok: true, detail: "Empty list, as IdPs expect" }
					: { ok: false, detail: "Expected an empty ListResponse" },
		},
	];
}

function errorDetail(status: number, body: Record<string, unknown> | null): string {
	const detail = typeof body?.detail === "string" ? body.detail : `HTTP ${status}`;
	return typeof body?.scimType === "string" ? `${detail} (scimType ${body.scimType})` : detail;
}

async function parsed(response: Response): Promise<Record<string, unknown> | null> {
	try {
		const body: unknown = await response.json();
		return typeof body === "object" && body !== null ? (body as Record<string, unknown>) : null;
	} catch {
		return null;
	}
}

/**
 * Runs a real, read-only SCIM round trip with `token` against this server, the way an IdP's "test"
 * button does, and reports each step's status, latency and SCIM error. The token must be one of this
 * connection's (else the call is refused without saying whose it is); a revoked or expired one is still
 * tried, so the operator sees the 401 the IdP would get. The token is never logged nor returned.
 */
export async function testConnection(
	db: Executor,
	input: {
		organization: Organization;
		connectionId: string;
		token: string;
		secret: string;
		loopback: ScimLoopback;
	},
	now: Date = new Date(),
): Promise<ConnectionTestResult> {
	const connection = await requireConnection(db, input.organization, { connectionId: input.connectionId });
	const token = await findScimTokenBySecret(db, input.token.trim(), input.secret);
	if (!token || token.orgId !== input.organization.id || token.connectionId !== connection.id) {
		throw new OperationError("invalid", `This is not one of the tokens of connection "${connection.name}"`);
	}
	const steps: ConnectionTestStep[] = [];
	for (const step of plan()) {
		const started = performance.now();
		const response = await input.loopback(
			new Request(`${LOOPBACK_ORIGIN}/scim/v2${step.path}`, {
				headers: {
					authorization: `Bearer ${input.token.trim()}`,
					accept: "application/scim+json",
					"user-agent": "Roster-Connection-Test/1.0",
				},
			}),
		);
		const body = await parsed(response);
		const durationMs = Math.round(performance.now() - started);
		const verdict =
			response.status === 200 && body
				? step.check(body)
				: { ok: false, detail: errorDetail(response.status, body) };
		steps.push({
			name: step.name,
			method: "GET",
			path: step.path,
			status: response.status,
			durationMs,
			...verdict,
		});
	}
	return {
		ok: steps.every((step) => step.ok),
		token: { prefix: token.prefix, state: tokenState(token, now) },
		steps,
	};
}
