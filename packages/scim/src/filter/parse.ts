import { ScimError } from "../errors.ts";
import { INPUT_LIMITS } from "../limits.ts";
import { type InputSyntax, liberalSyntax } from "../syntax.ts";
import type { AttrPath, CompareOp, FilterNode, FilterValue } from "./ast.ts";
import { splitAttrPath } from "./attr-path.ts";

/** Bounds that keep a hostile filter from costing more than a normal one to parse, evaluate or compile. */
export interface FilterLimits {
	maxLength: number;
	maxDepth: number;
	/**
	 * Comparisons (`eq`, `pr`, …) per filter. IdPs send one to three; PostgreSQL plans each `and`-ed
	 * `members.value` comparison as a semi-join, and 140 of them (3 KB of filter) took 7 s to plan.
	 */
	maxComparisons: number;
}

export const defaultFilterLimits: FilterLimits = {
	maxLength: INPUT_LIMITS.maxFilterLength,
	maxDepth: INPUT_LIMITS.maxFilterDepth,
	maxComparisons: INPUT_LIMITS.maxFilterComparisons,
};

const COMPARE_OPS = new Set<string>(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const WORD = /[^\s()[\]"]+/y;
const QUOTED = /"(?:[^"\\]|\\[\s\S])*"/y;
const WHITESPACE = /\s*/y;
/** True when `text` holds a C0 control character or DEL, which a JSON string may not hold raw. */
function hasControlCharacter(text: string): boolean {
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code < 0x20 || code === 0x7f) return true;
	}
	return false;
}
/** Never read as bare values, so a missing value (`userName eq and …`) stays an error. */
const LOGICAL_KEYWORDS = new Set(["and", "or", "not"]);

type Token =
	| { kind: "punct"; text: "(" | ")" | "[" | "]"; at: number }
	| { kind: "word"; text: string; at: number }
	| { kind: "string"; text: string; value: string; at: number }
	| { kind: "end"; text: ""; at: number };

class FilterParser {
	private position = 0;
	private depth = 0;
	private comparisons = 0;
	private peeked: Token | undefined;

	constructor(
		private readonly text: string,
		private readonly limits: FilterLimits,
		private readonly syntax: Pick<InputSyntax, "bareValues">,
	) {}

	parse(): FilterNode {
		const node = this.parseOr(false);
		const trailing = this.next();
		if (trailing.kind !== "end") this.fail(trailing, 'expected "and", "or" or the end of the filter');
		return node;
	}

	private parseOr(inValuePath: boolean): FilterNode {
		let left = this.parseAnd(inValuePath);
		while (this.peekKeyword("or")) {
			this.next();
			left = { kind: "or", left, right: this.parseAnd(inValuePath) };
		}
		return left;
	}

	private parseAnd(inValuePath: boolean): FilterNode {
		let left = this.parseTerm(inValuePath);
		while (this.peekKeyword("and")) {
			this.next();
			left = { kind: "and", left, right: this.parseTerm(inValuePath) };
		}
		return left;
	}

	private parseTerm(inValuePath: boolean): FilterNode {
		const token = this.next();
		if (token.kind === "punct" && token.text === "(") return this.parseGroup(token, inValuePath);
		if (token.kind === "word" && token.text.toLowerCase() === "not" && this.peekPunct("(")) {
			const open = this.next();
			return { kind: "not", filter: this.parseGroup(open, inValuePath) };
		}
		if (token.kind !== "word") this.fail(token, 'expected an attribute path, "not (" or "("');
		const path = this.toPath(token);
		if (this.peekPunct("[")) {
			const open = this.next();
			if (inValuePath) this.fail(open, "value filters cannot be nested");
			return this.parseValuePath(path, open);
		}
		return this.parseComparison(path);
	}

	private parseGroup(open: Token, inValuePath: boolean): FilterNode {
		this.enter(open);
		const inner = this.parseOr(inValuePath);
		this.expectPunct(")");
		this.depth--;
		return inner;
	}

	private parseValuePath(path: AttrPath, open: Token): FilterNode {
		if (path.sub !== undefined)
			this.fail(open, "a value filter applies to an attribute, not a sub-attribute");
		this.enter(open);
		const filter = this.parseOr(true);
		const close = this.expectPunct("]");
		this.depth--;
		const after = this.peek();
		if (after.kind !== "word" || !after.text.startsWith(".") || after.at !== close.at + 1) {
			return { kind: "valuePath", path, filter };
		}
		this.next();
		const sub = splitAttrPath(after.text.slice(1));
		if (typeof sub === "string" || sub.uri !== undefined || sub.sub !== undefined) {
			this.fail(after, 'expected a sub-attribute name after "]."');
		}
		const comparison = this.parseComparison({ attr: sub.attr });
		if (comparison.kind === "compare" && comparison.op === "ne") {
			const asEq: FilterNode = { ...comparison, op: "eq" };
			return {
				kind: "not",
				filter: { kind: "valuePath", path, filter: { kind: "and", left: filter, right: asEq } },
			};
		}
		return { kind: "valuePath", path, filter: { kind: "and", left: filter, right: comparison } };
	}

	private parseComparison(path: AttrPath): FilterNode {
		const opToken = this.next();
		this.comparisons++;
		if (this.comparisons > this.limits.maxComparisons) {
			this.fail(opToken, `at most ${this.limits.maxComparisons} comparisons`);
		}
		const op = opToken.kind === "word" ? opToken.text.toLowerCase() : "";
		if (op === "pr") return { kind: "present", path };
		if (!COMPARE_OPS.has(op)) this.fail(opToken, "expected an operator (eq ne co sw ew gt ge lt le pr)");
		return { kind: "compare", path, op: op as CompareOp, value: this.parseValue() };
	}

	private parseValue(): FilterValue {
		const token = this.next();
		if (token.kind === "string") return token.value;
		if (token.kind === "word") {
			const word = token.text.toLowerCase();
			if (word === "true") return true;
			if (word === "false") return false;
			if (word === "null") return null;
			if (NUMBER.test(token.text)) {
				const value = Number(token.text);
				if (Number.isFinite(value)) return value;
			} else if (this.syntax.bareValues && !LOGICAL_KEYWORDS.has(word)) {
				// What a JSON string may not hold raw, a bare one may not either (PostgreSQL refuses U+0000).
				if (hasControlCharacter(token.text)) this.fail(token, "values cannot contain control characters");
				return token.text;
			}
		}
		return this.fail(token, "expected a value (a JSON string, number, true, false or null)");
	}

	private toPath(token: Token & { kind: "word" }): AttrPath {
		const path = splitAttrPath(token.text);
		if (typeof path === "string") return this.fail(token, path);
		return path;
	}

	private enter(token: Token): void {
		this.depth++;
		if (this.depth > this.limits.maxDepth) {
			this.fail(token, `nesting is deeper than ${this.limits.maxDepth} levels`);
		}
	}

	private expectPunct(text: ")" | "]"): Token {
		const token = this.next();
		if (token.kind !== "punct" || token.text !== text) this.fail(token, `expected "${text}"`);
		return token;
	}

	private peekKeyword(keyword: string): boolean {
		const token = this.peek();
		return token.kind === "word" && token.text.toLowerCase() === keyword;
	}

	private peekPunct(text: string): boolean {
		const token = this.peek();
		return token.kind === "punct" && token.text === text;
	}

	private peek(): Token {
		this.peeked ??= this.scan();
		return this.peeked;
	}

	private next(): Token {
		const token = this.peek();
		this.peeked = undefined;
		return token;
	}

	private scan(): Token {
		WHITESPACE.lastIndex = this.position;
		WHITESPACE.exec(this.text);
		const at = WHITESPACE.lastIndex;
		const char = this.text[at];
		if (char === undefined) {
			this.position = at;
			return { kind: "end", text: "", at };
		}
		if (char === "(" || char === ")" || char === "[" || char === "]") {
			this.position = at + 1;
			return { kind: "punct", text: char, at };
		}
		const pattern = char === '"' ? QUOTED : WORD;
		pattern.lastIndex = at;
		const match = pattern.exec(this.text);
		if (!match)
			return this.fail({ kind: "word", text: this.text.slice(at, at + 1), at }, "unterminated string");
		this.position = at + match[0].length;
		if (char === '"') return this.stringToken(match[0], at);
		return { kind: "word", text: match[0], at };
	}

	private stringToken(text: string, at: number): Token {
		const token: Token = { kind: "word", text, at };
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch {
			this.fail(token, "invalid JSON string (control character or bad escape)");
		}
		if (typeof value !== "string") return this.fail(token, "invalid JSON string");
		if (value.includes("\u0000")) this.fail(token, "strings cannot contain U+0000");
		return { kind: "string", text, value, at };
	}

	private fail(token: Token, expectation: string): never {
		const found = token.kind === "end" ? "the end of the filter" : `"${token.text.slice(0, 24)}"`;
		throw new ScimError(
			400,
			"invalidFilter",
			`Invalid filter at position ${token.at + 1}: ${expectation}, found ${found}`,
		);
	}
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into the shared AST. Operators and keywords are
 * case-insensitive, `and` binds tighter than `or`, and `emails[type eq "work"].value eq "x"` (which Entra
 * sends although the ABNF lacks it) becomes `emails[type eq "work" and value eq "x"]`; unquoted values are
 * strings unless `syntax` is strict. Any problem, including exceeding `limits`, is a `ScimError(400, "invalidFilter")`
 * naming the 1-based position.
 */
export function parseFilter(
	text: string,
	limits: Partial<FilterLimits> = {},
	syntax: Pick<InputSyntax, "bareValues"> = liberalSyntax,
): FilterNode {
	const bounds = { ...defaultFilterLimits, ...limits };
	if (text.length > bounds.maxLength) {
		throw new ScimError(400, "invalidFilter", `Invalid filter: longer than ${bounds.maxLength} characters`);
	}
	return new FilterParser(text, bounds, syntax).parse();
}
