import { USER_SCHEMA } from "@roster/scim";
import fc from "fast-check";
import { allTargets } from "./attributes.ts";
import { magnitude } from "./bodies.ts";
import { mutatedFilter } from "./filters.ts";
import { headerValue, percentEncode, VALID_AUTHORIZATION } from "./request.ts";

/** Every SCIM endpoint, with the fixture it addresses and the kind of body it takes. */
export interface Endpoint {
	method: string;
	/** Below the mount; `@user<n>@`/`@group<n>@` are fixture ids. */
	path: string;
	body?: "user" | "group" | "patch" | "search" | "bulk";
}

/** Fixture ids the cases may delete; lower indices stay alive for PUT, PATCH and reads. */
const DELETABLE = "16";

export const endpoints: readonly Endpoint[] = [
	{ method: "GET", path: "/Users" },
	{ method: "POST", path: "/Users", body: "user" },
	{ method: "POST", path: "/Users/.search", body: "search" },
	{ method: "GET", path: "/Users/@user0@" },
	{ method: "PUT", path: "/Users/@user1@", body: "user" },
	{ method: "PATCH", path: "/Users/@user2@", body: "patch" },
	{ method: "DELETE", path: `/Users/@user${DELETABLE}@` },
	{ method: "GET", path: "/Groups" },
	{ method: "POST", path: "/Groups", body: "group" },
	{ method: "POST", path: "/Groups/.search", body: "search" },
	{ method: "GET", path: "/Groups/@group0@" },
	{ method: "PUT", path: "/Groups/@group1@", body: "group" },
	{ method: "PATCH", path: "/Groups/@group2@", body: "patch" },
	{ method: "DELETE", path: `/Groups/@group${DELETABLE}@` },
	{ method: "GET", path: "/ServiceProviderConfig" },
	{ method: "GET", path: "/ResourceTypes" },
	{ method: "GET", path: "/ResourceTypes/User" },
	{ method: "GET", path: "/Schemas" },
	{ method: "GET", path: `/Schemas/${USER_SCHEMA}` },
	{ method: "POST", path: "/.search", body: "search" },
	{ method: "POST", path: "/Bulk", body: "bulk" },
];

export const bodyEndpoints = endpoints.filter((endpoint) => endpoint.body !== undefined);
const listEndpoints = endpoints.filter((endpoint) => endpoint.method === "GET");

/** The two real mounts of the default organization. */
export const mount = fc.constantFrom("/scim/v2", "/organizations/default/scim/v2");

/** Mostly the two real mounts, sometimes a wrong organization or a mangled mount. */
export const oddMount = fc.oneof(
	{ weight: 8, arbitrary: mount },
	fc.constantFrom(
		"/organizations/DEFAULT/scim/v2",
		"/organizations/nope/scim/v2",
		"/organizations/%ZZ/scim/v2",
		"/organizations/%2e%2e/scim/v2",
		"/scim/v2/scim/v2",
		"/scim/V2",
		"/scim/v2;x=1",
	),
);

/** Authorization as the case sends it: almost always the run's token, so cases reach the handlers. */
export const authorization = fc.oneof(
	{ weight: 30, arbitrary: fc.constant<string | undefined>(VALID_AUTHORIZATION) },
	fc.constantFrom<string | undefined>(
		undefined,
		"",
		"Bearer",
		"Bearer ",
		"bearer @token@",
		"Bearer @token@x",
		"Bearer @token@ extra",
		"Bearer  @token@",
		"Basic dXNlcjpwYXNz",
		"Bearer roster_scim_0000000000000000000000000000000000000000",
		`Bearer ${"a".repeat(600)}`,
		`Bearer ${"a".repeat(9000)}`,
		"Bearer ../../etc/passwd",
		"Bearer %00",
	),
);

const contentType = fc.oneof(
	{ weight: 10, arbitrary: fc.constant<string | undefined>("application/scim+json; charset=utf-8") },
	fc.constantFrom<string | undefined>(
		undefined,
		"",
		"application/json",
		"application/scim+json",
		"APPLICATION/SCIM+JSON",
		"application/scim+json; charset=utf-16",
		"application/json;;;",
		'application/scim+json; charset="',
		"text/plain",
		"text/json",
		"application/x-www-form-urlencoded",
		"multipart/form-data; boundary=x",
		"application/xml",
		"*/*",
		";",
	),
);

const ifMatch = fc.constantFrom(
	'"garbage"',
	'W/"1"',
	"W/",
	"*",
	'"unterminated',
	",,,",
	'W/"00000000-0000-0000-0000-000000000000"',
	`"${"e".repeat(8000)}"`,
	'W/"1", W/"2", *',
);

/** Sendable headers for a request with `withBody`, optionally with odd extras. */
export function headersFor(withBody: boolean, odd: boolean): fc.Arbitrary<Record<string, string>> {
	const extras: fc.Arbitrary<Record<string, string>> = odd
		? fc.record(
				{
					"If-Match": ifMatch,
					"If-None-Match": ifMatch,
					Accept: fc.constantFrom("text/html", "application/xml", "*/*;q=0", "application/scim+json;q=x", ""),
					"Accept-Charset": fc.constantFrom("latin1", "utf-7"),
					"X-Forwarded-For": fc.constantFrom("garbage", "::1, 10.0.0.1", "".padEnd(2000, "9")),
					"Content-Encoding": fc.constantFrom("gzip", "br", "identity"),
				},
				{ requiredKeys: [] },
			)
		: fc.constant({});
	return fc
		.tuple(
			odd ? authorization : fc.constant<string | undefined>(VALID_AUTHORIZATION),
			withBody ? contentType : fc.constant(undefined),
			extras,
		)
		.map(([auth, type, more]) => {
			const headers: Record<string, string> = { Accept: "application/scim+json" };
			if (auth !== undefined) headers.Authorization = auth;
			if (type !== undefined) headers["Content-Type"] = type;
			for (const [name, value] of Object.entries(more)) headers[name] = headerValue(value);
			return headers;
		});
}

const number = fc.oneof(
	fc.integer({ min: -5, max: 5 }).map(String),
	fc.constantFrom(
		"2147483647",
		"2147483648",
		"9007199254740993",
		"99999999999999999999",
		"1e309",
		"1e3",
		"-1",
		"1.5",
		"0x10",
		" 1",
		"Infinity",
		"NaN",
		"",
		"abc",
		"1001",
		"100000",
	),
);

const attributeList = fc.oneof(
	fc
		.array(fc.constantFrom(...allTargets.map((target) => target.path)), { minLength: 1, maxLength: 4 })
		.map((names) => names.join(",")),
	fc.constantFrom(
		'emails[type eq "work"]',
		"urn:ietf:params:scim:schemas:core:2.0:User:groups",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
		",,,",
		"",
		"meta.",
		"name..givenName",
		"unknown",
		"USERNAME,Emails.VALUE",
	),
	fc.integer({ min: 100, max: 3000 }).map((count) => Array(count).fill("userName").join(",")),
);

const queryParam = fc.oneof(
	fc.tuple(fc.constant("filter"), mutatedFilter),
	fc.tuple(fc.constantFrom("startIndex", "count", "startindex", "COUNT"), number),
	fc.tuple(fc.constantFrom("attributes", "excludedAttributes"), attributeList),
	fc.tuple(
		fc.constant("sortBy"),
		fc.oneof(fc.constantFrom(...allTargets.map((target) => target.path)), fc.string({ maxLength: 10 })),
	),
	fc.tuple(fc.constant("sortOrder"), fc.constantFrom("ascending", "descending", "DESC", "", "x")),
	fc.tuple(
		fc.constant("cursor"),
		fc.oneof(
			fc.constantFrom("", "abc", "eyJ4IjoxfQ", "%%", "null"),
			fc.base64String({ maxLength: 200 }),
			magnitude(8, 13).map((n) => "c".repeat(n)),
		),
	),
	fc.tuple(
		fc.constantFrom("aadOptscim062020", "", "=", "filter[", "__proto__", "constructor"),
		fc.string({ maxLength: 8 }),
	),
);

const rawEscapes = fc.constantFrom("%", "%zz", "%E0%A4", "%00", "%C0%AF", "%FF", "+", "%2", "%%41", "%ud800");

/** Query strings IdPs and attackers send: repeated, huge, broken escapes; `filter` from the grammar. */
export const queryString: fc.Arbitrary<string> = fc
	.tuple(fc.array(queryParam, { minLength: 1, maxLength: 5 }), fc.boolean(), fc.option(rawEscapes), fc.nat())
	.map(([params, repeat, brokenEscape, at]) => {
		const pairs = params.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`);
		if (repeat && pairs[0] !== undefined) pairs.push(pairs[0]);
		let query = pairs.join("&");
		if (brokenEscape !== null) {
			const index = at % (query.length + 1);
			query = query.slice(0, index) + brokenEscape + query.slice(index);
		}
		return `?${query}`;
	});

const oddId = fc.oneof(
	fc.constantFrom(
		"123",
		"abc",
		"00000000-0000-4000-8000-000000000000",
		"{00000000-0000-4000-8000-000000000000}",
		"00000000000040008000000000000000",
		"..",
		"%2e%2e",
		"%2F",
		"%00",
		"%ZZ",
		"%",
		"null",
		"undefined",
		".search",
		"@user0@%20",
		"' or 1=1 --",
	),
	fc.constant("@user0@").map((id) => `${id}/extra`),
	magnitude(8, 15).map((length) => "9".repeat(length)),
	fc.string({ maxLength: 40 }),
);

function randomCase(text: string, flips: number): string {
	return [...text]
		.map((char, i) => ((flips >> (i % 30)) & 1 ? char.toUpperCase() : char.toLowerCase()))
		.join("");
}

/** The endpoint's path bent: case, slashes, dot segments, encoded characters, long and non-UUID ids. */
export function oddPath(path: string): fc.Arbitrary<string> {
	const [resource = "", ...rest] = path.slice(1).split("/");
	return fc.oneof(
		fc.integer().map((flips) => `/${randomCase(resource, flips)}${rest.map((part) => `/${part}`).join("")}`),
		fc.constant(`${path}/`),
		fc.constant(`${path}//`),
		fc.constant(`/${resource}//${rest.join("/")}`),
		fc.constant(`${path}/..`),
		fc.constant(`/${resource}/../${resource}${rest.map((part) => `/${part}`).join("")}`),
		fc.constant(`/${resource}/%2e%2e/${rest.join("/")}`),
		fc.constant(
			`/${encodeURIComponent(resource).replace(/s/, "%73")}${rest.map((part) => `/${part}`).join("")}`,
		),
		oddId.map((id) => `/${resource}/${id}`),
		fc.constant(`/${resource}/${resource === "Groups" ? "@GROUP0@" : "@USER0@"}`),
		fc.constant(`${path}.json`),
		fc.constant(`${path};jsessionid=1`),
	);
}

export const anyEndpoint = fc.constantFrom(...endpoints);
export const anyListEndpoint = fc.constantFrom(...listEndpoints);
