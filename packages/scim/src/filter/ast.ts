/** Comparison operators of RFC 7644 §3.4.2.2. */
export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "ge" | "lt" | "le";

/**
 * An attribute path as written in a filter or PATCH path: `uri` is the schema URN when the path was
 * URN-qualified (`urn:…:enterprise:2.0:User:department` → uri `urn:…:enterprise:2.0:User`, attr `department`).
 * Names keep the client's spelling; resolution against the schema is case-insensitive.
 */
export interface AttrPath {
	uri?: string;
	attr: string;
	sub?: string;
}

export type FilterValue = string | number | boolean | null;

export type FilterNode =
	| { kind: "compare"; path: AttrPath; op: CompareOp; value: FilterValue }
	| { kind: "present"; path: AttrPath }
	| { kind: "and"; left: FilterNode; right: FilterNode }
	| { kind: "or"; left: FilterNode; right: FilterNode }
	| { kind: "not"; filter: FilterNode }
	/** `emails[type eq "work" and primary eq true]`: `filter` paths are relative to the multi-valued attribute. */
	| { kind: "valuePath"; path: AttrPath; filter: FilterNode };
