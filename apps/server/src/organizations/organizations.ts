import { type Executor, isUniqueViolation, type Organization, organizations } from "@roster/db";
import { eq } from "drizzle-orm";
import { OperationError } from "../operation-error.ts";

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Slugs appear in SCIM URLs (`/organizations/{slug}/scim/v2`), so they are lowercase URL-safe labels. */
export function isValidSlug(slug: string): boolean {
	return SLUG.test(slug);
}

/** Creates an organization; rejects a malformed or taken slug with a `OperationError`. */
export async function createOrganization(
	db: Executor,
	input: { slug: string; name: string },
): Promise<Organization> {
	if (!isValidSlug(input.slug)) {
		throw new OperationError(
			"invalid",
			`Invalid slug "${input.slug}": use 1-63 lowercase letters, digits and inner hyphens`,
		);
	}
	const name = input.name.trim();
	if (name === "") throw new OperationError("invalid", "The organization name must not be empty");
	if (await findOrganizationBySlug(db, input.slug)) {
		throw new OperationError("conflict", `Organization "${input.slug}" already exists`);
	}
	try {
		const [created] = await db.insert(organizations).values({ slug: input.slug, name }).returning();
		if (!created) throw new Error("insert returned no row");
		return created;
	} catch (error) {
		if (isUniqueViolation(error)) {
			throw new OperationError("conflict", `Organization "${input.slug}" already exists`);
		}
		throw error;
	}
}

/** Looks an organization up by its slug. */
export async function findOrganizationBySlug(db: Executor, slug: string): Promise<Organization | undefined> {
	const [found] = await db.select().from(organizations).where(eq(organizations.slug, slug)).limit(1);
	return found;
}

/** Like `findOrganizationBySlug`, for callers that cannot continue without it. */
export async function requireOrganization(db: Executor, slug: string): Promise<Organization> {
	const found = await findOrganizationBySlug(db, slug);
	if (!found) throw new OperationError("not_found", `Unknown organization "${slug}"`);
	return found;
}
