import type { DatabaseHandle } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoleMapping } from "../../src/access/mappings.ts";
import { createApp } from "../../src/app.ts";
import { createScimToken } from "../../src/connections/scim-tokens.ts";
import { createLogger } from "../../src/logger.ts";
import { createOrganization, requireOrganization } from "../../src/organizations/organizations.ts";
import { createScimRuntime, type ScimRuntime } from "../../src/scim/index.ts";
import { TEST_SECRET, testConfig } from "../helpers.ts";
import { countingDatabase } from "./counting.ts";
import { USER_SCHEMA } from "./fixtures.ts";

let handle: DatabaseHandle;
let runtime: ScimRuntime;
let counter: ReturnType<typeof countingDatabase>;
let post: (
	userName: string,
	extra?: Record<string, unknown>,
) => Promise<{ status: number; statements: number }>;

beforeAll(async () => {
	handle = await createTestDatabase();
	const organization = await requireOrganization(handle.db, "default");
	await createRoleMapping(handle.db, {
		organization,
		mapping: {
			matchKind: "role_urn",
			matchValue: "urn:roster:role:organization:*:*",
			targetKind: "tier",
			tier: "USER",
		},
		actor: { type: "system", name: "test" },
	});
	const { token } = await createScimToken(handle.db, {
		organization,
		connectionName: "primary",
		createdBy: "test",
		secret: TEST_SECRET,
	});
	const logger = createLogger({ level: "silent" });
	runtime = createScimRuntime({ db: handle, logger });
	counter = countingDatabase(handle.db);
	const app = createApp({ db: { ...handle, db: counter.db }, config: testConfig(), logger, scim: runtime });
	const warmUp = await app.request("http://roster.test/scim/v2/ServiceProviderConfig", {
		headers: { Authorization: `Bearer ${token}` },
	});
	expect(warmUp.status).toBe(200);
	const create = (bearer: string, userName: string, extra = {}) =>
		app.request("http://roster.test/scim/v2/Users", {
			method: "POST",
			headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/scim+json" },
			body: JSON.stringify({ schemas: [USER_SCHEMA], userName, ...extra }),
		});
	// A create in another organization first: the process builds its reusable statements once
	// (docs/decisions/0208), which is not this organization's cost.
	const other = await createScimToken(handle.db, {
		organization: await createOrganization(handle.db, { slug: "elsewhere", name: "Elsewhere" }),
		connectionName: "primary",
		createdBy: "test",
		secret: TEST_SECRET,
	});
	expect((await create(other.token, "elsewhere@example.com")).status).toBe(201);
	post = async (userName, extra = {}) => {
		const before = counter.statements();
		const res = await create(token, userName, extra);
		return { status: res.status, statements: counter.statements() - before };
	};
});
afterAll(async () => {
	await runtime.close();
	await handle.close();
});

describe("POST /Users resolves access without extra statements once the inputs are cached", () => {
	it("only the first create of a process reads the organization's mappings and projects", async () => {
		const cold = await post("first@example.com");
		const warm = await post("second@example.com");
		const again = await post("third@example.com");
		expect([cold.status, warm.status, again.status]).toEqual([201, 201, 201]);
		expect(cold.statements).toBe(warm.statements + 1);
		expect(again.statements).toBe(warm.statements);
	});

	it("a user sending only an organization URN still costs no extra statement", async () => {
		const plain = await post("plain@example.com");
		const withRole = await post("urn@example.com", { roles: ["urn:roster:role:organization:default:admin"] });
		expect(withRole.status).toBe(201);
		expect(withRole.statements).toBe(plain.statements);
	});
});
