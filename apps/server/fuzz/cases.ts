import { PATCH_OP_SCHEMA } from "@roster/scim";
import fc from "fast-check";
import { groupTargets, userTargets, wrongTypedResource, wrongValue } from "./attributes.ts";
import { bodyFor, bulkBody, deepBody, hugeBody, malformedBody, patchBody, searchBody } from "./bodies.ts";
import { mutatedFilter } from "./filters.ts";
import {
	anyEndpoint,
	anyListEndpoint,
	bodyEndpoints,
	type Endpoint,
	headersFor,
	mount,
	oddMount,
	oddPath,
	queryString,
} from "./http-shapes.ts";
import { type FuzzRequest, percentEncode, requestTarget } from "./request.ts";

/** What a case attacks; cases cycle through the kinds so every run of ≥ 10 cases covers all of them. */
export const caseKinds = [
	"malformed-json",
	"wrong-types",
	"huge-body",
	"deep-nesting",
	"patch",
	"bulk",
	"filter",
	"query",
	"path",
	"headers",
] as const;
export type CaseKind = (typeof caseKinds)[number];

/** A generated case: its number (replayable with the seed), what it attacks, and the request. */
export interface FuzzCase {
	index: number;
	kind: CaseKind;
	request: FuzzRequest;
}

const endpointWithBody = fc.constantFrom(...bodyEndpoints);

/** The endpoints that take `body`, e.g. PUT and POST for "user". */
function taking(body: Endpoint["body"]): fc.Arbitrary<Endpoint> {
	return fc.constantFrom(...bodyEndpoints.filter((endpoint) => endpoint.body === body));
}

const FILTERED_LISTS: Endpoint[] = [
	{ method: "GET", path: "/Users" },
	{ method: "GET", path: "/Groups" },
];

function request(
	endpoint: fc.Arbitrary<Endpoint>,
	body: (endpoint: Endpoint) => fc.Arbitrary<string | Uint8Array | undefined>,
	options: {
		oddHeaders?: boolean;
		oddMount?: boolean;
		path?: (endpoint: Endpoint) => fc.Arbitrary<string>;
		method?: (endpoint: Endpoint) => fc.Arbitrary<string>;
	} = {},
): fc.Arbitrary<FuzzRequest> {
	return endpoint.chain((chosen) =>
		fc
			.tuple(
				options.oddMount ? oddMount : mount,
				options.path ? options.path(chosen) : fc.constant(chosen.path),
				body(chosen),
				options.method ? options.method(chosen) : fc.constant(chosen.method),
			)
			.chain(([base, path, payload, method]) =>
				headersFor(payload !== undefined, options.oddHeaders ?? false).map((headers) => ({
					method,
					path: requestTarget(`${base}${path}`),
					headers,
					...(payload === undefined ? {} : { body: payload }),
				})),
			),
	);
}

const json = (arbitrary: fc.Arbitrary<unknown>) => arbitrary.map((value) => JSON.stringify(value));

const wrongTypes = fc.oneof(
	request(taking("user"), () => json(wrongTypedResource("User"))),
	request(taking("group"), () => json(wrongTypedResource("Group"))),
	request(taking("patch"), (endpoint) =>
		json(
			fc.constantFrom(...(endpoint.path.startsWith("/Users") ? userTargets : groupTargets)).chain((target) =>
				fc
					.tuple(fc.constantFrom("add", "replace", "Replace"), fc.boolean(), wrongValue(target.def))
					.map(([op, withPath, value]) => ({
						schemas: [PATCH_OP_SCHEMA],
						Operations: [
							withPath ? { op, path: target.path, value } : { op, value: { [target.path]: value } },
						],
					})),
			),
		),
	),
);

const filterCase = fc.oneof(
	request(fc.constantFrom(...FILTERED_LISTS), () => fc.constant(undefined), {
		path: (endpoint) => mutatedFilter.map((filter) => `${endpoint.path}?filter=${percentEncode(filter)}`),
	}),
	request(taking("search"), () =>
		json(fc.tuple(searchBody, mutatedFilter).map(([body, filter]) => ({ ...body, filter }))),
	),
);

const methods = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

const generators: Record<CaseKind, fc.Arbitrary<FuzzRequest>> = {
	"malformed-json": request(endpointWithBody, (endpoint) => malformedBody(endpoint.body ?? "user")),
	"wrong-types": wrongTypes,
	"huge-body": request(endpointWithBody, (endpoint) => hugeBody(endpoint.body ?? "user")),
	"deep-nesting": request(endpointWithBody, (endpoint) => deepBody(endpoint.body ?? "user")),
	patch: request(taking("patch"), () => json(patchBody)),
	bulk: request(taking("bulk"), () => json(bulkBody)),
	filter: filterCase,
	query: request(anyListEndpoint, () => fc.constant(undefined), {
		path: (endpoint) => queryString.map((query) => `${endpoint.path}${query}`),
	}),
	path: request(
		anyEndpoint,
		(endpoint) => (endpoint.body ? json(bodyFor[endpoint.body] ?? fc.constant({})) : fc.constant(undefined)),
		{
			path: (endpoint) => oddPath(endpoint.path),
			oddMount: true,
			method: (endpoint) => fc.oneof({ weight: 3, arbitrary: fc.constant(endpoint.method) }, methods),
		},
	),
	headers: request(
		anyEndpoint,
		(endpoint) => (endpoint.body ? json(bodyFor[endpoint.body] ?? fc.constant({})) : fc.constant(undefined)),
		{
			oddHeaders: true,
		},
	),
};

/** Mixes the run's seed and the case number so each case has its own stream (and replays alone). */
function caseSeed(seed: number, index: number): number {
	let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
	return (h ^ (h >>> 16)) | 0;
}

/** Which kind case `index` is: they take turns, whatever the seed. */
export function kindOf(index: number): CaseKind {
	return caseKinds[index % caseKinds.length] ?? "malformed-json";
}

/** The `index`-th case of the run seeded with `seed`: the same request every time. */
export function generateCase(seed: number, index: number): FuzzCase {
	const kind = kindOf(index);
	const [generated] = fc.sample(generators[kind], { seed: caseSeed(seed, index), numRuns: 1 });
	if (!generated) throw new Error(`No case ${index} for seed ${seed}`);
	return { index, kind, request: generated };
}
