import { setImmediate } from "node:timers/promises";
import { ScimError } from "@roster/scim";
import type { Logger } from "../logger.ts";
import { abandonIfGone } from "../provisioning/client-gone.ts";
import type { ScimContext } from "../provisioning/context.ts";
import { etag } from "../provisioning/preconditions.ts";
import { SCIM_LIMITS } from "./limits.ts";

export const BULK_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
export const BULK_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

/** What one resource type's operations do for a Bulk operation; each call is its own transaction. */
export interface BulkResourceHandlers {
	create(ctx: ScimContext, data: unknown): Promise<{ id: string; version: number }>;
	replace(
		ctx: ScimContext,
		id: string,
		data: unknown,
		ifMatch: string | undefined,
	): Promise<{ version: number }>;
	patch(
		ctx: ScimContext,
		id: string,
		data: unknown,
		ifMatch: string | undefined,
	): Promise<{ version: number }>;
	remove(ctx: ScimContext, id: string, ifMatch: string | undefined): Promise<void>;
}

interface BulkOperation {
	method: "POST" | "PUT" | "PATCH" | "DELETE";
	bulkId: string | undefined;
	version: string | undefined;
	path: string;
	data: unknown;
}

interface BulkOperationResult {
	method: string;
	bulkId?: string;
	location?: string;
	version?: string;
	status: string;
	response?: unknown;
}

const BULK_ID_REFERENCE = /^bulkId:(.+)$/;

function parseOperations(body: unknown): { operations: BulkOperation[]; failOnErrors: number | undefined } {
	if (typeof body !== "object" || body === null || Array.isArray(body)) {
		throw new ScimError(400, "invalidSyntax", "The Bulk body must be a JSON object.");
	}
	const request = body as Record<string, unknown>;
	const schemas = request.schemas;
	if (
		!Array.isArray(schemas) ||
		!schemas.some((s) => String(s).toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())
	) {
		throw new ScimError(400, "invalidSyntax", `"schemas" must contain "${BULK_REQUEST_SCHEMA}".`);
	}
	const failOnErrors = request.failOnErrors;
	if (failOnErrors !== undefined && (!Number.isInteger(failOnErrors) || (failOnErrors as number) < 1)) {
		throw new ScimError(400, "invalidValue", '"failOnErrors" must be a positive integer.');
	}
	const raw = request.Operations;
	if (!Array.isArray(raw)) throw new ScimError(400, "invalidSyntax", '"Operations" must be an array.');
	if (raw.length > SCIM_LIMITS.bulkMaxOperations) {
		throw new ScimError(
			413,
			undefined,
			`The request has more than maxOperations (${SCIM_LIMITS.bulkMaxOperations}) operations.`,
		);
	}
	const operations = raw.map((item, index): BulkOperation => {
		if (typeof item !== "object" || item === null) {
			throw new ScimError(400, "invalidSyntax", `Operation ${index + 1} must be an object.`);
		}
		const op = item as Record<string, unknown>;
		const method = String(op.method ?? "").toUpperCase();
		if (method !== "POST" && method !== "PUT" && method !== "PATCH" && method !== "DELETE") {
			throw new ScimError(
				400,
				"invalidSyntax",
				`Operation ${index + 1}: unsupported method "${String(op.method)}".`,
			);
		}
		if (typeof op.path !== "string")
			throw new ScimError(400, "invalidSyntax", `Operation ${index + 1}: "path" is required.`);
		if (method === "POST" && typeof op.bulkId !== "string") {
			throw new ScimError(400, "invalidSyntax", `Operation ${index + 1}: POST needs a "bulkId".`);
		}
		return {
			method,
			bulkId: typeof op.bulkId === "string" ? op.bulkId : undefined,
			version: typeof op.version === "string" ? op.version : undefined,
			path: op.path,
			data: op.data,
		};
	});
	return { operations, failOnErrors: failOnErrors as number | undefined };
}

/**
 * An operation path's segments, leading and trailing slashes dropped (`/Users/`, like the routes accept).
 * Trimmed by index rather than by a `/+$/` pattern, which backtracks quadratically on a long run of slashes.
 */
function pathSegments(path: string): string[] {
	let start = 0;
	let end = path.length;
	while (start < end && path[start] === "/") start++;
	while (end > start && path[end - 1] === "/") end--;
	return path.slice(start, end).split("/");
}

/** Every `bulkId:x` reference in an operation (path or any string in data). */
function references(op: BulkOperation): Set<string> {
	const found = new Set<string>();
	const visit = (value: unknown) => {
		if (typeof value === "string") {
			const match = BULK_ID_REFERENCE.exec(value);
			if (match?.[1]) found.add(match[1]);
		} else if (Array.isArray(value)) value.forEach(visit);
		else if (typeof value === "object" && value !== null) Object.values(value).forEach(visit);
	};
	for (const segment of op.path.split("/")) visit(segment);
	visit(op.data);
	return found;
}

function substitute(value: unknown, ids: Map<string, string>): unknown {
	if (typeof value === "string") {
		const match = BULK_ID_REFERENCE.exec(value);
		return match?.[1] && ids.has(match[1]) ? ids.get(match[1]) : value;
	}
	if (Array.isArray(value)) return value.map((item) => substitute(item, ids));
	if (typeof value === "object" && value !== null) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, ids)]));
	}
	return value;
}

function errorBody(error: ScimError) {
	return error.toJSON();
}

/**
 * RFC 7644 §3.7: runs the operations one by one, each in its own transaction. Operations that reference a
 * `bulkId` defined later wait until it exists, so clients may send them in any order; references that can
 * never resolve (unknown or circular) fail with 409. `failOnErrors` stops after that many failures. Each
 * operation starts on a fresh turn of the event loop (an in-process PGlite never yields on its own), so other
 * requests interleave and a client that disconnects stops the rest; the operations already run stay done.
 */
export async function runBulk(
	ctx: ScimContext,
	body: unknown,
	handlers: Record<string, BulkResourceHandlers>,
	logger: Logger,
): Promise<{ schemas: string[]; Operations: BulkOperationResult[] }> {
	const { operations, failOnErrors } = parseOperations(body);
	const results: (BulkOperationResult | undefined)[] = operations.map(() => undefined);
	const ids = new Map<string, string>();
	const defined = new Set(operations.flatMap((op) => (op.bulkId && op.method === "POST" ? [op.bulkId] : [])));
	let errors = 0;
	let pending = operations.map((_, index) => index);
	while (pending.length > 0 && (failOnErrors === undefined || errors < failOnErrors)) {
		const waiting: number[] = [];
		for (const index of pending) {
			if (failOnErrors !== undefined && errors >= failOnErrors) break;
			await setImmediate();
			abandonIfGone(ctx.signal);
			const op = operations[index] as BulkOperation;
			const unresolved = [...references(op)].filter((ref) => !ids.has(ref));
			if (unresolved.some((ref) => defined.has(ref))) {
				waiting.push(index);
				continue;
			}
			const result = await runOne(ctx, op, unresolved, ids, handlers, logger);
			if (Number(result.status) >= 400) errors++;
			results[index] = result;
		}
		if (waiting.length === pending.length) {
			for (const index of waiting) {
				const op = operations[index] as BulkOperation;
				results[index] = failure(
					op,
					new ScimError(409, "invalidValue", "Circular bulkId references cannot be resolved."),
				);
			}
			break;
		}
		pending = waiting;
	}
	return {
		schemas: [BULK_RESPONSE_SCHEMA],
		Operations: results.filter((r): r is BulkOperationResult => r !== undefined),
	};
}

function failure(op: BulkOperation, error: ScimError): BulkOperationResult {
	return {
		method: op.method,
		...(op.bulkId ? { bulkId: op.bulkId } : {}),
		status: String(error.status),
		response: errorBody(error),
	};
}

async function runOne(
	ctx: ScimContext,
	op: BulkOperation,
	unresolved: string[],
	ids: Map<string, string>,
	handlers: Record<string, BulkResourceHandlers>,
	logger: Logger,
): Promise<BulkOperationResult> {
	try {
		if (unresolved.length > 0) {
			throw new ScimError(409, "invalidValue", `Unknown bulkId reference "${unresolved[0]}".`);
		}
		const [type = "", id, ...rest] = pathSegments(op.path).map((segment) => String(substitute(segment, ids)));
		const handler = Object.entries(handlers).find(([name]) => name.toLowerCase() === type.toLowerCase());
		if (!handler || rest.length > 0)
			throw new ScimError(400, "invalidPath", `Unsupported Bulk path "${op.path}".`);
		const [typeName, resource] = handler;
		const data = substitute(op.data, ids);
		const location = (resourceId: string) => `${ctx.base}/${typeName}/${resourceId}`;
		const base = { method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}) };
		if (op.method === "POST") {
			if (id !== undefined)
				throw new ScimError(400, "invalidPath", "POST goes to the resource type, not an id.");
			const created = await resource.create(ctx, data);
			if (op.bulkId) ids.set(op.bulkId, created.id);
			return { ...base, location: location(created.id), version: etag(created.version), status: "201" };
		}
		if (!id) throw new ScimError(400, "invalidPath", `${op.method} needs a resource id in "path".`);
		if (op.method === "DELETE") {
			await resource.remove(ctx, id, op.version);
			return { ...base, location: location(id), status: "204" };
		}
		const written =
			op.method === "PUT"
				? await resource.replace(ctx, id, data, op.version)
				: await resource.patch(ctx, id, data, op.version);
		return { ...base, location: location(id), version: etag(written.version), status: "200" };
	} catch (error) {
		if (error instanceof ScimError) return failure(op, error);
		logger.error({ err: error }, "bulk operation failed");
		return failure(
			op,
			new ScimError(500, undefined, `Internal error (request id ${ctx.request.requestId}).`),
		);
	}
}
