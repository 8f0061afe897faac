import { ScimError } from "../errors.ts";
import type { FilterNode } from "../filter/ast.ts";
import { INPUT_LIMITS } from "../limits.ts";
import { getCi, isJsonObject } from "../resource/json.ts";
import type { PatchOpName } from "./request.ts";

/**
 * A change to a delta attribute (a group's `members`), kept as an instruction instead of a rewritten list so
 * the server applies it as row inserts and deletes: big groups stay cheap and concurrent updates survive.
 */
export type MemberOp =
	| { op: "add"; ids: string[] }
	| { op: "remove"; ids: string[] }
	| { op: "removeAll" }
	| { op: "replace"; ids: string[] };

function invalidMember(attribute: string, detail: string): ScimError {
	return new ScimError(400, "invalidValue", `${attribute}: ${detail}`);
}

function memberId(item: unknown, attribute: string): string {
	const id = isJsonObject(item) ? getCi(item, "value") : item;
	if (typeof id !== "string" || id.trim() === "") {
		throw invalidMember(attribute, 'each member must be a string id or an object with a string "value".');
	}
	return id;
}

/** Member ids from `[{value}]`, a single `{value}`, bare strings, or `{members:[…]}`; duplicates collapsed. */
export function memberIds(value: unknown, attribute: string): string[] {
	if (value === undefined || value === null) return [];
	const wrapped = isJsonObject(value) ? getCi(value, attribute) : undefined;
	const items = Array.isArray(wrapped) ? wrapped : Array.isArray(value) ? value : [value];
	if (items.length > INPUT_LIMITS.maxMembersPerRequest) throw tooManyMembers(attribute);
	return [...new Set(items.filter((item) => item !== null).map((item) => memberId(item, attribute)))];
}

function tooManyMembers(attribute: string): ScimError {
	const limit = INPUT_LIMITS.maxMembersPerRequest;
	return invalidMember(attribute, `one request may name at most ${limit} members; send the rest in another.`);
}

/** Rejects a request whose member operations together name more members than one request may carry. */
export function assertMembersPerRequest(attribute: string, changes: MemberOp[]): void {
	let named = 0;
	for (const change of changes) if (change.op !== "removeAll") named += change.ids.length;
	if (named > INPUT_LIMITS.maxMembersPerRequest) throw tooManyMembers(attribute);
}

/** Ids named by `value eq "…"`, or an `or` of those; any other member filter is not a delta Roster can apply. */
export function idsFromFilter(filter: FilterNode, attribute: string): string[] {
	if (filter.kind === "or")
		return [
			...new Set([...idsFromFilter(filter.left, attribute), ...idsFromFilter(filter.right, attribute)]),
		];
	if (
		filter.kind === "compare" &&
		filter.op === "eq" &&
		filter.path.uri === undefined &&
		filter.path.sub === undefined &&
		filter.path.attr.toLowerCase() === "value" &&
		typeof filter.value === "string"
	) {
		return [filter.value];
	}
	throw new ScimError(
		400,
		"invalidFilter",
		`${attribute}: only value eq "…" filters (joined by or) are supported.`,
	);
}

/**
 * Translates one PATCH operation on a delta attribute into a MemberOp, or nothing for a no-op such as adding
 * an empty list. `Remove` without a value removes everyone; with Entra's `value:[{value}]` only those listed.
 */
export function memberOperation(
	op: PatchOpName,
	attribute: string,
	value: unknown,
	filter: FilterNode | undefined,
	sub: string | undefined,
): MemberOp | undefined {
	if (sub !== undefined) {
		throw new ScimError(400, "invalidPath", `${attribute}: sub-attributes of members cannot be patched.`);
	}
	if (filter) {
		if (op !== "remove") {
			throw new ScimError(
				400,
				"invalidPath",
				`${attribute}: a value filter is only supported with "remove".`,
			);
		}
		return { op: "remove", ids: idsFromFilter(filter, attribute) };
	}
	if (op === "replace") return { op: "replace", ids: memberIds(value, attribute) };
	if (op === "remove" && (value === undefined || value === null)) return { op: "removeAll" };
	const ids = memberIds(value, attribute);
	if (ids.length === 0) return undefined;
	return op === "add" ? { op: "add", ids } : { op: "remove", ids };
}
