import { type DatabaseHandle, rows, scimTokens } from "@roster/db";
import { createTestDatabase } from "@roster/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScimToken, resolveScimToken, revokeConnectionTokens } from "../src/connections/scim-tokens.ts";
import { OperationError } from "../src/operation-error.ts";
import { createOrganization, requireOrganization } from "../src/organizations/organizations.ts";
import { verifyPassword } from "../src/security/passwords.ts";
import { hashSecret } from "../src/security/tokens.ts";
import { createAdmin } from "../src/users/admins.ts";
import { TEST_SECRET } from "./helpers.ts";

let handle: DatabaseHandle;

beforeAll(async () => {
	handle = await createTestDatabase();
});

afterAll(async () => {
	await handle.close();
});

describe("organizations", () => {
	it("creates an organization and refuses its slug a second time", async () => {
		const org = await createOrganization(handle.db, { slug: "svc-acme", name: "Acme" });
		expect(org.slug).toBe("svc-acme");
		await expect(createOrganization(handle.db, { slug: "svc-acme", name: "Again" })).rejects.toMatchObject({
			code: "conflict",
		});
	});

	it.each(["Upper", "-lead", "trail-", "sp ace", "", "x".repeat(64)])("rejects the slug %j", async (slug) => {
		await expect(createOrganization(handle.db, { slug, name: "Bad" })).rejects.toMatchObject({
			code: "invalid",
		});
	});

	it("finds the seeded default organization and reports unknown ones", async () => {
		expect((await requireOrganization(handle.db, "default")).slug).toBe("default");
		await expect(requireOrganization(handle.db, "missing")).rejects.toThrow(OperationError);
	});
});

describe("SCIM tokens", () => {
	it("stores only the HMAC and resolves the token to its connection and organization", async () => {
		const organization = await requireOrganization(handle.db, "default");
		const created = await createScimToken(handle.db, {
			organization,
			connectionName: "Entra production",
			idpKind: "entra",
			createdBy: "test",
			secret: TEST_SECRET,
		});
		expect(created.connectionCreated).toBe(true);
		expect(created.row.tokenHash).toBe(hashSecret(created.token, TEST_SECRET));
		const stored = await rows<{ token_hash: string }>(
			handle.db,
			sql`select token_hash from scim_tokens where id = ${created.row.id}`,
		);
		expect(stored[0]?.token_hash).not.toContain(created.token);

		const resolved = await resolveScimToken(handle.db, created.token, TEST_SECRET);
		expect(resolved?.organization.slug).toBe("default");
		expect(resolved?.connection.name).toBe("Entra production");
		expect(resolved?.connection.idpKind).toBe("entra");
		expect(await resolveScimToken(handle.db, `${created.token}x`, TEST_SECRET)).toBeNull();
		expect(await resolveScimToken(handle.db, created.token, `${TEST_SECRET}-rotated`)).toBeNull();
	});

	it("reuses an existing connection for a second token", async () => {
		const organization = await requireOrganization(handle.db, "default");
		const input = {
			organization,
			connectionName: "Okta",
			idpKind: "okta" as const,
			createdBy: "test",
			secret: TEST_SECRET,
		};
		const first = await createScimToken(handle.db, input);
		const second = await createScimToken(handle.db, input);
		expect(second.connectionCreated).toBe(false);
		expect(second.connection.id).toBe(first.connection.id);
		expect(second.token).not.toBe(first.token);
	});

	it("stops resolving every token of a revoked connection", async () => {
		const organization = await requireOrganization(handle.db, "default");
		const input = { organization, connectionName: "Ping", createdBy: "test", secret: TEST_SECRET };
		const a = await createScimToken(handle.db, input);
		const b = await createScimToken(handle.db, input);
		expect(
			await revokeConnectionTokens(handle.db, { organization, connectionName: "Ping", actor: "test" }),
		).toBe(2);
		expect(await resolveScimToken(handle.db, a.token, TEST_SECRET)).toBeNull();
		expect(await resolveScimToken(handle.db, b.token, TEST_SECRET)).toBeNull();
		await expect(
			revokeConnectionTokens(handle.db, { organization, connectionName: "Nope", actor: "test" }),
		).rejects.toMatchObject({
			code: "not_found",
		});
	});

	it("stops resolving an expired token", async () => {
		const organization = await requireOrganization(handle.db, "default");
		const created = await createScimToken(handle.db, {
			organization,
			connectionName: "OneLogin",
			expiresInDays: 1,
			createdBy: "test",
			secret: TEST_SECRET,
		});
		expect(await resolveScimToken(handle.db, created.token, TEST_SECRET)).not.toBeNull();
		const tomorrow = new Date(Date.now() + 86_400_000 + 1000);
		expect(await resolveScimToken(handle.db, created.token, TEST_SECRET, tomorrow)).toBeNull();
		await handle.db
			.update(scimTokens)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(scimTokens.id, created.row.id));
		expect(await resolveScimToken(handle.db, created.token, TEST_SECRET)).toBeNull();
	});

	it.each([0, -1, 1.5])("rejects --expires-in %s", async (days) => {
		const organization = await requireOrganization(handle.db, "default");
		await expect(
			createScimToken(handle.db, {
				organization,
				connectionName: "X",
				expiresInDays: days,
				createdBy: "t",
				secret: TEST_SECRET,
			}),
		).rejects.toMatchObject({ code: "invalid" });
	});
});

describe("administrators", () => {
	it("creates an INTERNAL ADMIN with an argon2id hash and refuses duplicates case-insensitively", async () => {
		const organization = await requireOrganization(handle.db, "default");
		const admin = await createAdmin(handle.db, {
			organization,
			email: "Ops@Example.com",
			password: "a long enough password",
		});
		expect(admin).toMatchObject({ userName: "Ops@Example.com", authMethod: "INTERNAL", accessTier: "ADMIN" });
		expect(await verifyPassword(admin.passwordHash ?? "", "a long enough password")).toBe(true);
		await expect(
			createAdmin(handle.db, { organization, email: "ops@example.com", password: "another long password" }),
		).rejects.toMatchObject({ code: "conflict" });
	});

	it.each([
		["not-an-email", "a long enough password"],
		["ok@example.com", "short"],
	])("rejects %s / %s", async (email, password) => {
		const organization = await requireOrganization(handle.db, "default");
		await expect(createAdmin(handle.db, { organization, email, password })).rejects.toMatchObject({
			code: "invalid",
		});
	});
});
