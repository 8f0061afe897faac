import { type ProjectionOptions, parseAttributeList } from "@roster/scim";
import type { Context } from "hono";
import { inputSyntax } from "../connections/settings.ts";
import type { ScimEnv } from "./variables.ts";

/**
 * The `attributes` / `excludedAttributes` of a single-resource request, parameter names in any case as lists
 * read them (`ATTRIBUTES=userName`), or undefined when neither is given. Both are parsed here with the
 * connection's input syntax, so a malformed or (on a strict connection) value-filtered list is a 400 before
 * any work.
 */
export function requestedView(c: Context<ScimEnv>): ProjectionOptions | undefined {
	const syntax = inputSyntax(c.get("scim").settings);
	const view: ProjectionOptions = {};
	let given = false;
	for (const [key, value] of Object.entries(c.req.query())) {
		const name = key.toLowerCase();
		if (name === "attributes") view.attributes ??= value;
		else if (name === "excludedattributes") view.excludedAttributes ??= value;
		else continue;
		parseAttributeList(value, syntax);
		given = true;
	}
	return given ? view : undefined;
}
