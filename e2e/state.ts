import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TENANT_KINDS, type TenantKind } from "./idp/server/kinds.ts";

/** The port the e2e server listens on (one per concurrent run). */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 8799);

/**
 * Where the e2e server keeps its PGlite data and what setup handed to the specs (a SCIM token), per
 * port so parallel runs do not share it. Written by `start-server.sh`, read by `specs/fixtures.ts`.
 */
export const E2E_STATE_DIR = process.env.E2E_STATE_DIR ?? join(tmpdir(), `roster-e2e-${E2E_PORT}`);

/** Where screenshots of every screen go; CI keeps the folder as an artifact. */
export const E2E_SCREENSHOT_DIR =
	process.env.E2E_SCREENSHOT_DIR ?? fileURLToPath(new URL("./screenshots", import.meta.url));

/**
 * The e2e server's RECOMPUTE_JOB_ABOVE: low, so the jobs spec reaches it with a few dozen users, and
 * above every other spec's mapping change (a handful of users), which stay in their request.
 */
export const E2E_RECOMPUTE_JOB_THRESHOLD = 20;

/** The console administrators setup creates with the CLI before the server starts. */
export const E2E_ADMINS = {
	/** Signs in for every spec. */
	main: { email: "admin@roster.test", password: "e2e-admin-password-0123" },
	/** Exists to be locked out by the lockout spec, so no other spec loses its sign-in. */
	lockout: { email: "lockout@roster.test", password: "e2e-lockout-password-0123" },
} as const;

/** Every mock tenant kind has a lifecycle spec; each spec owns one organization, `life-<kind>`. */
export const E2E_LIFECYCLE_KINDS = TENANT_KINDS;

/**
 * The organization of one lifecycle spec and its local administrator, created by setup with the CLI (the
 * console cannot create organizations), so the specs never meet each other's users, groups or SSO.
 */
export function lifecycleOrganization(kind: TenantKind): {
	slug: string;
	admin: { email: string; password: string };
} {
	const slug = `life-${kind}`;
	return { slug, admin: { email: `admin@${slug}.roster.test`, password: "e2e-lifecycle-password-0123" } };
}
