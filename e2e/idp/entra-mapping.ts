import type { DirectoryUser } from "./directory.ts";
import type { JsonObject } from "./http.ts";
import { ENTERPRISE, USER_SCHEMA } from "./urns.ts";

/** A mapped attribute's value, keyed by the SCIM path Entra PATCHes it at. */
export type Value = string | boolean | JsonObject[];
/** One PATCH operation as Entra sends it. */
export type Op = { op: string; path?: string; value?: unknown };

const WORK_EMAIL = 'emails[type eq "work"].value';
/** The manager path: added once the manager exists in Roster, removed by a filtered `manager[value eq …]`. */
export const MANAGER = `${ENTERPRISE}:manager`;

/** Splits member ids and ops into Entra's batches. */
export function chunk<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/** Value equality as Entra compares exported values (JSON, order-sensitive). */
export function same(a: Value | undefined, b: Value | undefined): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/** Entra's default attribute mappings for a non-gallery SCIM app (entra.md §5), in the order it sends them. */
export function mapUser(user: DirectoryUser, active: boolean): Map<string, Value> {
	const mapped = new Map<string, Value>();
	const put = (path: string, value: Value | undefined) => {
		if (value !== undefined) mapped.set(path, value);
	};
	put("userName", user.userPrincipalName);
	put("active", active);
	put("displayName", user.displayName);
	put("title", user.jobTitle);
	put(WORK_EMAIL, user.mail);
	put("name.givenName", user.givenName);
	put("name.familyName", user.surname);
	put("externalId", user.mailNickname);
	put(`${ENTERPRISE}:employeeNumber`, user.employeeId);
	put(`${ENTERPRISE}:department`, user.department);
	if (user.roles.length > 0) {
		put(
			"roles",
			user.roles.map((value) => ({
				primary: false,
				type: "WindowsAzureActiveDirectoryRole",
				display: value,
				value,
			})),
		);
	}
	return mapped;
}

/** Reads a mapped path back from a Roster user, so a matched user's values count as already exported. */
export function readPath(resource: JsonObject, path: string): Value | undefined {
	if (path === WORK_EMAIL) {
		const emails = Array.isArray(resource.emails) ? (resource.emails as JsonObject[]) : [];
		const work = emails.find((email) => email.type === "work");
		return typeof work?.value === "string" ? work.value : undefined;
	}
	if (path.startsWith(`${ENTERPRISE}:`)) {
		const extension = resource[ENTERPRISE] as JsonObject | undefined;
		const value = extension?.[path.slice(ENTERPRISE.length + 1)];
		return typeof value === "string" ? value : undefined;
	}
	if (path.startsWith("name.")) {
		const value = (resource.name as JsonObject | undefined)?.[path.slice(5)];
		return typeof value === "string" ? value : undefined;
	}
	const value = resource[path];
	if (typeof value === "string" || typeof value === "boolean") return value;
	return Array.isArray(value) ? (value as JsonObject[]) : undefined;
}

/** The POST of a user Entra has not matched (entra.md §3): never a manager, which follows in a later PATCH. */
export function userBody(user: DirectoryUser): JsonObject {
	const enterprise: JsonObject = {};
	if (user.employeeId !== undefined) enterprise.employeeNumber = user.employeeId;
	if (user.department !== undefined) enterprise.department = user.department;
	return {
		schemas: [USER_SCHEMA, ENTERPRISE],
		externalId: user.mailNickname,
		userName: user.userPrincipalName,
		active: true,
		emails: [{ primary: true, type: "work", value: user.mail }],
		meta: { resourceType: "User" },
		name: {
			formatted: `${user.givenName} ${user.surname}`,
			familyName: user.surname,
			givenName: user.givenName,
		},
		displayName: user.displayName,
		...(user.jobTitle !== undefined ? { title: user.jobTitle } : {}),
		roles: mapUser(user, true).get("roles") ?? [],
		...(Object.keys(enterprise).length > 0 ? { [ENTERPRISE]: enterprise } : {}),
	};
}

/** An op name as each service spells it: the legacy one capitalises (`Replace`), `aadOptscim062020` does not. */
export function opName(name: "add" | "replace" | "remove", flag: boolean): string {
	return flag ? name : `${name[0]?.toUpperCase()}${name.slice(1)}`;
}

/**
 * The PATCH operations for changed user attributes: the legacy service sends one op per path with
 * `active` as a `"True"`/`"False"` string; the flag sends several changes as one path-less `replace`,
 * keeping filtered paths and `roles` as ops of their own.
 */
export function userOps(changes: [string, Value][], previous: Map<string, Value>, flag: boolean): Op[] {
	const wire = (path: string, value: Value): unknown =>
		path === "active" && !flag ? (value ? "True" : "False") : value;
	const single = ([path, value]: [string, Value]): Op => ({
		op: opName(previous.has(path) ? "replace" : "add", flag),
		path,
		value: wire(path, value),
	});
	if (!flag || changes.length === 1) return changes.map(single);
	const filtered = changes.filter(([path]) => path.includes("[") || path === "roles");
	const plain = changes.filter(([path]) => !path.includes("[") && path !== "roles");
	const ops = filtered.map(single);
	if (plain.length > 0) ops.push({ op: "replace", value: Object.fromEntries(plain) });
	return ops;
}
