import type { Exchange, JsonObject } from "./http.ts";
import { ENTERPRISE, LIST_RESPONSE } from "./urns.ts";

/**
 * An answer the real IdP would refuse, named by the IdP's own error code (Entra's provisioning-log codes,
 * Okta's task messages), so a failing test says what a customer would see.
 */
export class IdpCheckFailure extends Error {
	constructor(
		readonly code: string,
		detail: string,
		readonly exchange?: Exchange,
	) {
		super(
			exchange
				? `${code}: ${detail} [${exchange.method} ${exchange.path} → ${exchange.status} ${exchange.text.slice(0, 400)}]`
				: `${code}: ${detail}`,
		);
		this.name = "IdpCheckFailure";
	}
}

/** The shape every IdP parses a ListResponse with; returns its `Resources`. */
export function checkListResponse(
	exchange: Exchange,
	code: string,
): { totalResults: number; resources: JsonObject[] } {
	const body = exchange.body;
	if (exchange.status !== 200 || !body)
		throw new IdpCheckFailure(code, "a list must answer 200 with a body", exchange);
	const schemas = body.schemas;
	if (!Array.isArray(schemas) || !schemas.includes(LIST_RESPONSE)) {
		throw new IdpCheckFailure(code, "schemas lacks the ListResponse URN", exchange);
	}
	for (const key of ["totalResults", "startIndex", "itemsPerPage"]) {
		if (!Number.isInteger(body[key])) throw new IdpCheckFailure(code, `${key} is not an integer`, exchange);
	}
	const resources = body.Resources;
	if (!Array.isArray(resources))
		throw new IdpCheckFailure(code, "Resources (capital R) is missing", exchange);
	if (body.itemsPerPage !== resources.length) {
		throw new IdpCheckFailure(code, "itemsPerPage differs from the number of Resources", exchange);
	}
	return { totalResults: body.totalResults as number, resources: resources as JsonObject[] };
}

/** A `201` that carries the created resource and its `id`. */
export function checkCreated(exchange: Exchange, code: string): JsonObject & { id: string } {
	const body = exchange.body;
	if (exchange.status !== 201) throw new IdpCheckFailure(code, "a create must answer 201", exchange);
	if (!body || typeof body.id !== "string" || body.id === "") {
		throw new IdpCheckFailure(code, "the 201 answer has no id", exchange);
	}
	return body as JsonObject & { id: string };
}

/** PATCH answers: `200` with a body, or `204` with none. */
export function checkPatchAnswer(exchange: Exchange, code: string): JsonObject | null {
	if (exchange.status === 204) {
		if (exchange.text !== "") throw new IdpCheckFailure(code, "a 204 must have no body", exchange);
		return null;
	}
	if (exchange.status === 200 && exchange.body) return exchange.body;
	throw new IdpCheckFailure(code, "PATCH must answer 200 with a body or 204", exchange);
}

/** Entra breaks on a string `manager`: it must be an object. */
export function checkManagerShape(resource: JsonObject, code: string, exchange?: Exchange): void {
	const enterprise = resource[ENTERPRISE];
	if (typeof enterprise !== "object" || enterprise === null) return;
	const manager = (enterprise as JsonObject).manager;
	if (manager !== undefined && (typeof manager !== "object" || manager === null || Array.isArray(manager))) {
		throw new IdpCheckFailure(code, "manager is not an object", exchange);
	}
}

/** `active` must come back as a JSON boolean. */
export function checkActiveBoolean(resource: JsonObject, code: string, exchange?: Exchange): void {
	if ("active" in resource && typeof resource.active !== "boolean") {
		throw new IdpCheckFailure(code, "active is not a boolean", exchange);
	}
}

/** The integer-seconds `Retry-After` of a 429, or undefined when missing or not an integer. */
export function retryAfterSeconds(exchange: Exchange): number | undefined {
	const raw = exchange.responseHeaders.get("retry-after")?.trim();
	return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}
