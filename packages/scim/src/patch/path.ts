import { ScimError } from "../errors.ts";
import type { AttrPath, FilterNode } from "../filter/ast.ts";
import { splitAttrPath } from "../filter/attr-path.ts";
import { parseFilter } from "../filter/parse.ts";

/**
 * A PATCH target (RFC 7644 §3.5.2 `PATH`): an attribute, optionally narrowed to the elements a value filter
 * selects (`emails[type eq "work"]`), optionally down to one sub-attribute (`attribute.sub`, whether written
 * `name.givenName` or `emails[type eq "work"].value`).
 */
export interface PatchPath {
	attribute: AttrPath;
	filter?: FilterNode;
}

function invalidPath(text: string, reason: string): ScimError {
	return new ScimError(400, "invalidPath", `Invalid PATCH path "${text}": ${reason}.`);
}

function closingBracket(text: string, open: number): number {
	let quoted = false;
	for (let index = open + 1; index < text.length; index++) {
		const char = text[index];
		if (quoted && char === "\\") index++;
		else if (char === '"') quoted = !quoted;
		else if (!quoted && char === "]") return index;
	}
	return -1;
}

/**
 * Parses `attr`, `attr.sub`, `urn:…:attr`, `urn:…:attr.sub`, `attr[filter]` and `attr[filter].sub`; the
 * bracket's content goes through the filter parser, so its errors keep their `invalidFilter` type.
 */
export function parsePatchPath(text: string): PatchPath {
	const trimmed = text.trim();
	if (trimmed.length === 0) throw invalidPath(text, "it is empty");
	const open = trimmed.indexOf("[");
	const head = open === -1 ? trimmed : trimmed.slice(0, open);
	const attribute = splitAttrPath(head);
	if (typeof attribute === "string") throw invalidPath(text, attribute);
	if (open === -1) return { attribute };
	if (attribute.sub !== undefined) throw invalidPath(text, "a value filter must follow the attribute name");
	const close = closingBracket(trimmed, open);
	if (close === -1) throw invalidPath(text, "the value filter has no closing bracket");
	const filter = parseFilter(trimmed.slice(open + 1, close));
	const tail = trimmed.slice(close + 1);
	if (tail.length === 0) return { attribute, filter };
	const sub = tail.startsWith(".") ? splitAttrPath(tail.slice(1)) : "text follows the value filter";
	if (typeof sub === "string" || sub.uri !== undefined || sub.sub !== undefined) {
		throw invalidPath(text, "only one sub-attribute name may follow the value filter");
	}
	return { attribute: { ...attribute, sub: sub.attr }, filter };
}
