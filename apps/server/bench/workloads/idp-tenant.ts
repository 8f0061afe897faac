import { createDatabase, type DatabaseHandle, type IdpKind } from "@roster/db";
import { type MockTenant, startMockTenant, type TenantKind } from "../../../../e2e/idp/server/index.ts";
import { createScimToken } from "../../src/connections/scim-tokens.ts";
import { createOrganization } from "../../src/organizations/organizations.ts";
import type { BenchContext } from "../context.ts";
import { unthrottleConnection } from "../database.ts";

/** A mock tenant of `kind` wired to the bench's Roster through a fresh organization with its own token. */
export interface BenchTenant {
	tenant: MockTenant;
	orgId: string;
	/** A handle on the bench database (sessions are created through the server's own code). */
	handle: DatabaseHandle;
	close(): Promise<void>;
}

/**
 * Creates organization `slug` and an unthrottled SCIM token for it, exactly as an operator would for a
 * new IdP connection, and starts a mock tenant (e2e/idp/server) pointed at the bench's listening Roster.
 */
export async function benchTenant(ctx: BenchContext, kind: TenantKind, slug: string): Promise<BenchTenant> {
	const handle = await createDatabase(ctx.db.url, { poolSize: 2 });
	try {
		const organization = await createOrganization(handle.db, { slug, name: `Bench ${kind}` });
		const idpKind: IdpKind = kind.startsWith("okta") ? "okta" : "entra";
		const issued = await createScimToken(handle.db, {
			organization,
			connectionName: kind,
			idpKind,
			createdBy: "bench",
			secret: ctx.db.secret,
		});
		await unthrottleConnection(handle.db, issued.connection.id);
		const tenant = await startMockTenant({ kind, rosterBaseUrl: ctx.server.baseUrl, token: issued.token });
		return {
			tenant,
			orgId: organization.id,
			handle,
			async close() {
				await tenant.stop();
				await handle.close();
			},
		};
	} catch (error) {
		await handle.close();
		throw error;
	}
}

/** Fills a tenant's directory: `users` assigned people and `groups` groups (assigned, and pushed for Okta). */
export function populate(tenant: MockTenant, users: number, groups: number): string[] {
	const ids: string[] = [];
	for (let i = 0; i < users; i++) {
		ids.push(
			tenant.directory.hire({
				givenName: "Bench",
				surname: `Person${i}`,
				department: ["Engineering", "Sales", "Support", "Finance"][i % 4] as string,
				employeeId: `B${100_000 + i}`,
			}).id,
		);
	}
	const perGroup = Math.max(1, Math.floor((users * 2) / Math.max(1, groups)));
	for (let g = 0; g < groups; g++) {
		const first = (g * 37) % Math.max(1, users);
		const members = Array.from(
			{ length: Math.min(perGroup, users) },
			(_, k) => ids[(first + k) % users] as string,
		);
		tenant.directory.createGroup(`Bench Group ${g}`, members, { push: kind(tenant) === "okta" });
	}
	return ids;
}

function kind(tenant: MockTenant): "entra" | "okta" {
	return tenant.control.profile.vendor;
}
