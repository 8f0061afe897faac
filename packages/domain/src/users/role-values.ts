/** One `roles` or `entitlements` value as Roster stores it. */
export interface RoleValue {
	value: string;
	display?: string;
	type?: string;
	primary?: boolean;
}

function fromEntraJsonString(text: string): RoleValue | undefined {
	if (!text.startsWith("{")) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		if (typeof parsed !== "object" || parsed === null) return undefined;
		const inner = parsed as Record<string, unknown>;
		const display = typeof inner.displayName === "string" ? inner.displayName : undefined;
		const value = typeof inner.value === "string" && inner.value !== "" ? inner.value : display;
		if (!value) return undefined;
		return display ? { value, display } : { value };
	} catch {
		return undefined;
	}
}

/**
 * Reads `roles`/`entitlements` in every form IdPs send — `["v"]` (Okta), `[{value}]` (SCIM), and Entra's
 * app-role JSON serialised inside `value` — as a list of objects, dropping empty and duplicate values.
 */
export function readRoleValues(input: unknown): RoleValue[] {
	const items = Array.isArray(input) ? input : input === undefined || input === null ? [] : [input];
	const out: RoleValue[] = [];
	const seen = new Set<string>();
	for (const item of items) {
		let role: RoleValue | undefined;
		if (typeof item === "string") {
			role = fromEntraJsonString(item) ?? { value: item };
		} else if (typeof item === "object" && item !== null) {
			const raw = item as Record<string, unknown>;
			if (typeof raw.value !== "string") continue;
			const inner = fromEntraJsonString(raw.value);
			role = { ...inner, value: inner?.value ?? raw.value };
			const display = raw.display ?? raw.displayName;
			if (typeof display === "string" && !role.display) role.display = display;
			if (typeof raw.type === "string") role.type = raw.type;
			if (typeof raw.primary === "boolean") role.primary = raw.primary;
		}
		if (!role || role.value === "" || seen.has(role.value)) continue;
		seen.add(role.value);
		out.push(role);
	}
	return out;
}

/** The shape `roles`/`entitlements` are returned in: Okta reads strings back, Entra and strict clients objects. */
export type RoleShape = "string" | "object";

export function writeRoleValues(values: RoleValue[], shape: RoleShape): string[] | RoleValue[] {
	return shape === "string" ? values.map((v) => v.value) : values;
}
