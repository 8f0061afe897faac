import type { DatabaseHandle, Organization } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { createApp } from "../../src/app.ts";
import { createScimToken } from "../../src/connections/scim-tokens.ts";
import type { Config } from "../../src/env.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import {
	createOrganization,
	findOrganizationBySlug,
	requireOrganization,
} from "../../src/organizations/organizations.ts";
import { createScimRuntime, type ScimRuntime } from "../../src/scim/index.ts";
import { TEST_SECRET, testConfig } from "../helpers.ts";

export interface ScimReply {
	status: number;
	headers: Headers;
	/** Parsed JSON body, or null when the body is empty. */
	body: Record<string, unknown> | null;
	text: string;
}

export type ScimClient = (
	method: string,
	path: string,
	body?: unknown,
	headers?: Record<string, string>,
) => Promise<ScimReply>;

/** One real app over a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL) per test file. */
export interface ScimHarness {
	db: DatabaseHandle;
	app: ReturnType<typeof createApp>;
	runtime: ScimRuntime;
	organization: Organization;
	token: string;
	/** A client authenticated with the default organization's first connection token. */
	scim: ScimClient;
	/** A client for any token and base path. */
	clientFor(token: string, base?: string): ScimClient;
	/** Issues a token on another connection (created if missing) of `orgSlug` (created if missing). */
	issueToken(
		orgSlug: string,
		connectionName: string,
		idpKind?: "entra" | "okta" | "generic",
	): Promise<string>;
	close(): Promise<void>;
}

export async function createScimHarness(
	options: {
		scimEnabled?: boolean;
		idpKind?: "entra" | "okta" | "generic";
		redisUrl?: string;
		logger?: Logger;
		config?: Partial<Config>;
		/** The provisioning log's write interval (default 1 s). */
		logFlushIntervalMs?: number;
	} = {},
): Promise<ScimHarness> {
	const db = await createTestDatabase();
	const config = testConfig({ scimEnabled: options.scimEnabled ?? true, ...options.config });
	const logger = options.logger ?? createLogger({ level: "silent" });
	const runtime = createScimRuntime({
		db,
		logger,
		redisUrl: options.redisUrl,
		logFlushIntervalMs: options.logFlushIntervalMs,
	});
	const app = createApp({ db, config, logger, scim: runtime });
	const organization = await requireOrganization(db.db, "default");

	async function issueToken(
		orgSlug: string,
		connectionName: string,
		idpKind: "entra" | "okta" | "generic" = "generic",
	) {
		const org =
			(await findOrganizationBySlug(db.db, orgSlug)) ??
			(await createOrganization(db.db, { slug: orgSlug, name: orgSlug }));
		const created = await createScimToken(db.db, {
			organization: org,
			connectionName,
			idpKind,
			createdBy: "test",
			secret: TEST_SECRET,
		});
		return created.token;
	}

	function clientFor(token: string, base = "/scim/v2"): ScimClient {
		return async (method, path, body, headers = {}) => {
			const init: RequestInit = {
				method,
				headers: {
					...(token ? { Authorization: `Bearer ${token}` } : {}),
					...(body !== undefined ? { "Content-Type": "application/scim+json; charset=utf-8" } : {}),
					...headers,
				},
			};
			if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
			const res = await app.request(`http://roster.test${base}${path}`, init);
			const text = await res.text();
			let parsed: Record<string, unknown> | null = null;
			if (text) {
				try {
					parsed = JSON.parse(text) as Record<string, unknown>;
				} catch {
					parsed = null;
				}
			}
			return { status: res.status, headers: res.headers, body: parsed, text };
		};
	}

	const token = await issueToken("default", "primary", options.idpKind ?? "generic");
	return {
		db,
		app,
		runtime,
		organization,
		token,
		scim: clientFor(token),
		clientFor,
		issueToken,
		async close() {
			await runtime.close();
			await db.close();
		},
	};
}
