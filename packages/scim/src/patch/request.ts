import { ScimError } from "../errors.ts";
import { INPUT_LIMITS } from "../limits.ts";
import { assertNoNul } from "../resource/coerce.ts";
import { getCi, isJsonObject } from "../resource/json.ts";
import { type PatchPath, parsePatchPath } from "./path.ts";

export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

export type PatchOpName = "add" | "replace" | "remove";

/** One validated PATCH operation: `op` lower-cased, `path` parsed, `value` as sent. */
export interface PatchOperation {
	op: PatchOpName;
	path?: PatchPath;
	value?: unknown;
}

const OP_NAMES = new Set<string>(["add", "replace", "remove"]);

function invalidSyntax(detail: string): ScimError {
	return new ScimError(400, "invalidSyntax", detail);
}

function parseOperation(raw: unknown, index: number): PatchOperation {
	const where = `Operations[${index}]`;
	if (!isJsonObject(raw)) throw invalidSyntax(`${where} must be an object.`);
	const name = getCi(raw, "op");
	if (typeof name !== "string" || !OP_NAMES.has(name.toLowerCase())) {
		throw invalidSyntax(`${where}.op must be "add", "replace" or "remove".`);
	}
	const op = name.toLowerCase() as PatchOpName;
	const rawPath = getCi(raw, "path");
	if (rawPath !== undefined && rawPath !== null && typeof rawPath !== "string") {
		throw new ScimError(400, "invalidPath", `${where}.path must be a string.`);
	}
	if (typeof rawPath === "string" && rawPath.length > INPUT_LIMITS.maxPathLength) {
		throw new ScimError(
			400,
			"invalidPath",
			`${where}.path is longer than ${INPUT_LIMITS.maxPathLength} characters.`,
		);
	}
	const path = typeof rawPath === "string" && rawPath.trim() !== "" ? parsePatchPath(rawPath) : undefined;
	const value = getCi(raw, "value");
	assertNoNul(value, `${where}.value`);
	if (op === "remove") {
		if (!path) throw new ScimError(400, "noTarget", `${where}: "remove" needs a path.`);
		return value === undefined || value === null ? { op, path } : { op, path, value };
	}
	if (value === undefined) throw new ScimError(400, "invalidValue", `${where}: "${op}" needs a value.`);
	if (!path && !isJsonObject(value)) {
		throw new ScimError(
			400,
			"invalidValue",
			`${where}: without a path, the value must be an object of attributes.`,
		);
	}
	return path ? { op, path, value } : { op, value };
}

/**
 * Validates a PATCH body (RFC 7644 §3.5.2) before anything is applied, so a malformed operation anywhere
 * rejects the whole request. Accepts what IdPs really send: `op` in any case (Entra's "Replace"), member names
 * in any case, an empty `Operations` list as a no-op.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
	if (!isJsonObject(body)) throw invalidSyntax("The PATCH body must be a JSON object.");
	const schemas = getCi(body, "schemas");
	const listsPatchOp =
		Array.isArray(schemas) &&
		schemas.some(
			(schema) => typeof schema === "string" && schema.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase(),
		);
	if (!listsPatchOp) throw invalidSyntax(`The PATCH body's "schemas" must contain "${PATCH_OP_SCHEMA}".`);
	const operations = getCi(body, "Operations");
	if (!Array.isArray(operations)) throw invalidSyntax('The PATCH body must have an "Operations" list.');
	if (operations.length > INPUT_LIMITS.maxPatchOperations) {
		throw new ScimError(
			413,
			undefined,
			`A PATCH may carry at most ${INPUT_LIMITS.maxPatchOperations} operations.`,
		);
	}
	return operations.map(parseOperation);
}
