import {
	type AccessTier,
	type Executor,
	groups,
	projects,
	roleMappings,
	rows,
	userProjectRoles,
	uuidArray,
} from "@roster/db";
import { isUuid } from "@roster/scim";
import { and, eq, inArray, sql } from "drizzle-orm";
import {
	type ExplanationLookups,
	explanationRefs,
	type RenderedExplanation,
	renderExplanation,
	storedExplanation,
	tierSourceInWords,
} from "./explanation.ts";

/**
 * A user's stored access decision as people read it — tier and where it comes from, project roles, and
 * every grant in words — for the administrator's user page and for the user's own "My access" alike, so
 * both say the same sentences. Read from the stored decision, never recomputed.
 */
export interface AccessView {
	tier: AccessTier;
	tierSource: string | null;
	tierSourceText: string;
	computedAt: string | null;
	projectRoles: {
		projectId: string;
		projectSlug: string;
		projectName: string;
		role: string;
		source: string;
		sourceText: string;
	}[];
	explanation: RenderedExplanation;
}

/** The stored decision columns of one user row. */
export interface StoredDecision {
	id: string;
	accessTier: AccessTier;
	accessTierSource: string | null;
	accessExplanation: Record<string, unknown> | null;
	accessComputedAt: Date | null;
}

/** The groups and mappings an explanation names, looked up within the organization (one query each). */
async function lookupsFor(
	db: Executor,
	orgId: string,
	refs: { groupIds: string[]; mappingIds: string[] },
): Promise<ExplanationLookups> {
	const groupRows =
		refs.groupIds.length === 0
			? []
			: await db
					.select({ id: groups.id, displayName: groups.displayName })
					.from(groups)
					.where(and(eq(groups.orgId, orgId), inArray(groups.id, refs.groupIds)));
	const mappingRows =
		refs.mappingIds.length === 0
			? []
			: await rows<{ id: string; number: number | string; priority: number }>(
					db,
					sql`select id, number, priority from (
						select id, priority, row_number() over (order by priority, created_at, id) as number
						from ${roleMappings} where org_id = ${orgId}::uuid) as ranked
					where id in (select unnest(${uuidArray(refs.mappingIds)}))`,
				);
	return {
		groups: new Map(groupRows.map((g) => [g.id, { displayName: g.displayName }])),
		mappings: new Map(mappingRows.map((m) => [m.id, { number: Number(m.number), priority: m.priority }])),
	};
}

/** The mapping ids `source` strings name (`mapping:<id>`), so they read as "mapping #n". */
function mappingIdsOf(sources: readonly (string | null)[]): string[] {
	return sources.flatMap((source) =>
		source?.startsWith("mapping:") && isUuid(source.slice(8)) ? [source.slice(8)] : [],
	);
}

/** A user's stored decision of organization `orgId` in words: its project roles and lookups in a few queries. */
export async function readAccessView(db: Executor, orgId: string, user: StoredDecision): Promise<AccessView> {
	const roles = await db
		.select({
			projectId: projects.id,
			projectSlug: projects.slug,
			projectName: projects.name,
			role: userProjectRoles.role,
			source: userProjectRoles.source,
		})
		.from(userProjectRoles)
		.innerJoin(projects, eq(projects.id, userProjectRoles.projectId))
		.where(and(eq(userProjectRoles.userId, user.id), eq(userProjectRoles.orgId, orgId)))
		.orderBy(projects.slug);
	const explanation = storedExplanation(user.accessExplanation);
	const refs = explanationRefs(explanation);
	const sourceMappings = mappingIdsOf([user.accessTierSource, ...roles.map((r) => r.source)]);
	const lookups = await lookupsFor(db, orgId, {
		groupIds: refs.groupIds,
		mappingIds: [...new Set([...refs.mappingIds, ...sourceMappings])],
	});
	return {
		tier: user.accessTier,
		tierSource: user.accessTierSource,
		tierSourceText: tierSourceInWords(user.accessTierSource, lookups),
		computedAt: user.accessComputedAt?.toISOString() ?? null,
		projectRoles: roles.map((role) => ({ ...role, sourceText: tierSourceInWords(role.source, lookups) })),
		explanation: renderExplanation(explanation, lookups),
	};
}
