/**
 * What Roster reads beyond RFC 7644's grammar, because SCIM clients send it and each form has one meaning
 * ("be liberal in what you accept"). Connections whose compatibility is `strict` read the RFC grammar only.
 * Endpoint names in any case and trailing slashes are routed before the connection is known, so they are
 * accepted in every mode (apps/server/src/scim/paths.ts).
 */
export interface InputSyntax {
	/** `userName sw O`: an unquoted word in value position that is not `true`, `false`, `null` or a number is a string. */
	bareValues: boolean;
	/** `attributes=emails[type eq "work"]`: a value filter in `attributes`/`excludedAttributes` selects some values. */
	attributeFilters: boolean;
}

export const liberalSyntax: InputSyntax = { bareValues: true, attributeFilters: true };

export const strictSyntax: InputSyntax = { bareValues: false, attributeFilters: false };
