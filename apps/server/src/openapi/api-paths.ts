import { accessTiers } from "@roster/domain/tiers";
import type {
	ComponentsObject,
	HeadersObject,
	OperationObject,
	PathsObject,
	ReferenceObject,
	ResponseObject,
	SchemaObject,
	ServerObject,
} from "openapi3-ts/oas31";
import { MAX_API_BODY_BYTES } from "../api/body.ts";
import type { ApiErrorCode } from "../api/errors.ts";
import { EVENT_TYPE_NAMES, FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT } from "../events/feed.ts";
import { schemaRef } from "./scim-schemas.ts";

export const API_SERVERS: ServerObject[] = [
	{ url: "/api/v1", description: "The access API for host applications." },
];

const TAG = "Access API";
const SECURITY = [{ appKey: [] }];

/** Each `error` code of `/api/v1` (docs/api-v1.md), keyed by the code so a new one must be described. */
const API_ERRORS: Record<ApiErrorCode, { status: number; when: string }> = {
	invalid_request: {
		status: 400,
		when: "Malformed JSON, a body that is not an object, a missing token or userName, a bad event cursor or limit.",
	},
	unauthorized: {
		status: 401,
		when: "No key, a malformed header, an unknown or revoked key, a SCIM or session token.",
	},
	not_found: { status: 404, when: "No such user in the key's organization; an unknown route." },
	payload_too_large: { status: 413, when: `A body over ${MAX_API_BODY_BYTES} bytes.` },
	unsupported_media_type: { status: 415, when: "A body that is not application/json." },
	internal_error: { status: 500, when: "A fault in Roster; `detail` carries the request id for the logs." },
};

function errorResponses(codes: ApiErrorCode[]): Record<string, ReferenceObject> {
	return Object.fromEntries(
		codes.map((code) => [String(API_ERRORS[code].status), { $ref: `#/components/responses/Api_${code}` }]),
	);
}

const NO_STORE = { "Cache-Control": { $ref: "#/components/headers/NoStore" } };
const WWW_AUTHENTICATE: HeadersObject = {
	"WWW-Authenticate": {
		description: 'The challenge: `Bearer realm="roster-api"`.',
		schema: { type: "string" },
	},
};

function json(schema: string, description: string): ResponseObject {
	return { description, headers: NO_STORE, content: { "application/json": { schema: schemaRef(schema) } } };
}

function operation(summary: string, rest: Omit<OperationObject, "tags" | "summary">): OperationObject {
	return { tags: [TAG], summary, security: SECURITY, ...rest };
}

const READ_ERRORS: ApiErrorCode[] = ["invalid_request", "unauthorized", "not_found", "internal_error"];

/** Every route of the `/api/v1` app (`apps/server/src/api`), relative to `API_SERVERS`. */
export function apiPaths(): PathsObject {
	const paths: PathsObject = {
		"/users/access": {
			get: operation("A user's access, by userName", {
				operationId: "getUserAccessByUserName",
				parameters: [
					{
						name: "userName",
						in: "query",
						required: true,
						description: "Compared case-insensitively, as in SCIM.",
						schema: { type: "string", minLength: 1, maxLength: 1024 },
					},
				],
				responses: { 200: json("UserAccess", "The stored access decision."), ...errorResponses(READ_ERRORS) },
			}),
		},
		"/users/{id}/access": {
			get: operation("A user's access, by id", {
				operationId: "getUserAccess",
				parameters: [
					{
						name: "id",
						in: "path",
						required: true,
						description: "The Roster user id (the SCIM id).",
						schema: { type: "string" },
					},
				],
				responses: {
					200: json("UserAccess", "The stored access decision."),
					...errorResponses(["unauthorized", "not_found", "internal_error"]),
				},
			}),
		},
		"/events": {
			get: operation("Provisioning events, oldest first, after a cursor", {
				operationId: "listEvents",
				description:
					"Only events whose transaction is final are listed, so a cursor never skips one that commits later (docs/events.md).",
				parameters: [
					{
						name: "after",
						in: "query",
						description: "The `next` of the previous page (an event id); absent or `evt_0` for the start.",
						schema: { type: "string", pattern: "^evt_(0|[1-9][0-9]{0,18})$" },
					},
					{
						name: "limit",
						in: "query",
						schema: { type: "integer", minimum: 1, maximum: FEED_MAX_LIMIT, default: FEED_DEFAULT_LIMIT },
					},
				],
				responses: {
					200: json("EventPage", "Up to `limit` events after the cursor."),
					...errorResponses(["invalid_request", "unauthorized", "internal_error"]),
				},
			}),
		},
		"/sessions/validate": {
			post: operation("Whether a session token is live, and whose", {
				operationId: "validateSession",
				requestBody: {
					required: true,
					content: {
						"application/json": {
							schema: {
								type: "object",
								properties: { token: { type: "string", minLength: 1, examples: ["rst_sess_…"] } },
								required: ["token"],
							},
						},
					},
				},
				responses: {
					200: json("SessionValidation", "Always 200 for a well-formed request; see `valid`."),
					...errorResponses(Object.keys(API_ERRORS) as ApiErrorCode[]),
				},
			}),
		},
	};
	for (const item of Object.values(paths)) item.servers = API_SERVERS;
	return paths;
}

/** The `/api/v1` bodies, its `{ error, detail }` responses and the application-key scheme. */
export function apiComponents(): ComponentsObject {
	const tier: SchemaObject = {
		type: "string",
		enum: [...accessTiers],
		description: "Least to most privileged.",
	};
	/** A project role as the access read and the events name it. */
	const heldRole: Record<string, SchemaObject> = {
		projectId: { type: "string" },
		projectSlug: { type: "string" },
		role: { type: "string", examples: ["admin", "write", "read"] },
	};
	return {
		schemas: {
			UserAccess: {
				type: "object",
				description: "The decision stored when the directory last changed; never resolved on the fly.",
				properties: {
					id: { type: "string" },
					userName: { type: "string" },
					active: { type: "boolean" },
					tier,
					tierSource: { type: ["string", "null"], description: "The rule that set the tier." },
					projectRoles: {
						type: "array",
						description: "Sorted by projectSlug; a project without an entry means no role on it.",
						items: {
							type: "object",
							properties: { ...heldRole, source: { type: "string" } },
							required: [...Object.keys(heldRole), "source"],
						},
					},
					explanation: {
						type: ["object", "null"],
						description: "Which rule produced each grant and which lost; null until roles were resolved.",
					},
					computedAt: { type: ["string", "null"], format: "date-time" },
				},
				required: [
					"id",
					"userName",
					"active",
					"tier",
					"tierSource",
					"projectRoles",
					"explanation",
					"computedAt",
				],
			},
			SessionValidation: {
				oneOf: [
					{
						type: "object",
						properties: {
							valid: { const: true },
							user: {
								type: "object",
								properties: {
									id: { type: "string" },
									userName: { type: "string" },
									active: { type: "boolean" },
									tier,
								},
								required: ["id", "userName", "active", "tier"],
							},
							expiresAt: { type: "string", format: "date-time" },
						},
						required: ["valid", "user", "expiresAt"],
					},
					{
						type: "object",
						description: "Unknown, expired or revoked; an inactive, deleted or other organization's user.",
						properties: { valid: { const: false } },
						required: ["valid"],
						additionalProperties: false,
					},
				],
			},
			HeldRoles: {
				type: "array",
				items: { type: "object", properties: heldRole, required: Object.keys(heldRole) },
			},
			EventPage: {
				type: "object",
				properties: {
					events: { type: "array", items: schemaRef("Event") },
					next: { type: "string", description: "Pass as `after` next time; unchanged when nothing new." },
					hasMore: { type: "boolean" },
				},
				required: ["events", "next", "hasMore"],
			},
			Event: {
				type: "object",
				description: "The same body a webhook delivers (as its `data`, with `type` and `timestamp`).",
				properties: {
					id: { type: "string", examples: ["evt_1042"], description: "Stable; also a cursor." },
					type: { type: "string", enum: [...EVENT_TYPE_NAMES] },
					occurredAt: { type: "string", format: "date-time" },
					data: {
						type: "object",
						properties: {
							subject: {
								type: "object",
								properties: {
									type: { type: "string", enum: ["User", "Group"] },
									id: { type: "string" },
									name: { type: "string" },
								},
								required: ["type", "id", "name"],
							},
							changes: { type: "object", description: "Changed fields: `{ field: { old, new } }`." },
							access: {
								type: "object",
								description: "The access tier before and after, when the change moved it.",
								properties: { old: { type: ["string", "null"] }, new: { type: ["string", "null"] } },
							},
							roles: {
								type: "object",
								description:
									"Every project role the user held before and after, when the change added, removed or altered any (sorted by projectSlug).",
								properties: { old: schemaRef("HeldRoles"), new: schemaRef("HeldRoles") },
								required: ["old", "new"],
							},
							cause: {
								description:
									"Why access changed: `{ group: { id, displayName } }` or `{ mapping: { id, description } }`.",
							},
							usersRecomputed: { type: "integer" },
							usersChanged: { type: "integer" },
							sessionsEnded: { type: "integer" },
						},
						required: ["subject", "changes"],
					},
				},
				required: ["id", "type", "occurredAt", "data"],
			},
			ApiError: {
				type: "object",
				properties: {
					error: { type: "string", enum: Object.keys(API_ERRORS), description: "Branch on this." },
					detail: { type: "string", description: "For humans." },
				},
				required: ["error", "detail"],
			},
		},
		headers: {
			NoStore: {
				description: "Decisions must not be cached.",
				schema: { type: "string", const: "no-store" },
			},
		},
		responses: Object.fromEntries(
			Object.entries(API_ERRORS).map(([code, { when }]) => [
				`Api_${code}`,
				{
					description: when,
					headers: code === "unauthorized" ? { ...NO_STORE, ...WWW_AUTHENTICATE } : NO_STORE,
					content: { "application/json": { schema: schemaRef("ApiError") } },
				},
			]),
		),
		securitySchemes: {
			appKey: {
				type: "http",
				scheme: "bearer",
				bearerFormat: "rst_app_…",
				description:
					"An application key of one organization: `pnpm roster app-key create --org SLUG --name NAME`. SCIM and session tokens are refused.",
			},
		},
	};
}
