import { type Organization, rows, type Transaction } from "@roster/db";
import type { AccessMapping, AccessOrganization, AccessProject } from "@roster/domain";
import { sql } from "drizzle-orm";

/**
 * What role resolution reads from the organization rather than from a user: its settings, role mappings
 * and projects. The same for every user of the organization until `organizations.access_version` moves.
 */
export interface AccessStatics {
	orgId: string;
	version: number;
	organization: AccessOrganization;
	mappings: readonly AccessMapping[];
	projects: readonly AccessProject[];
}

interface Loaded {
	version: number;
	mappings: AccessMapping[];
	projects: AccessProject[];
}

const MAX_CACHED_ORGANIZATIONS = 1_000;
const cache = new Map<string, Loaded>();

function parsed<T>(value: unknown): T {
	return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

function accessOrganization(organization: Organization): AccessOrganization {
	return {
		slug: organization.slug,
		fallbackTier: organization.fallbackTier,
		roleSource: organization.roleSource,
		projectRoles: [...organization.projectRoles],
		autoCreateProjects: organization.autoCreateProjects,
	};
}

/** Mappings, projects and the version they belong to, read in one statement (one snapshot). */
async function loadFromDatabase(tx: Transaction, orgId: string): Promise<Loaded> {
	const [row] = await rows<{ version: number; mappings: unknown; projects: unknown }>(
		tx,
		sql`select o.access_version as version,
			coalesce((select json_agg(json_build_object(
					'id', m.id, 'matchKind', m.match_kind, 'matchValue', m.match_value, 'targetKind', m.target_kind,
					'tier', m.tier, 'projectSelector', m.project_selector, 'projectRole', m.project_role,
					'priority', m.priority) order by m.priority, m.id)
				from role_mappings m where m.org_id = o.id), '[]') as mappings,
			coalesce((select json_agg(json_build_object('id', p.id, 'slug', p.slug) order by p.slug)
				from projects p where p.org_id = o.id), '[]') as projects
		from organizations o where o.id = ${orgId}::uuid`,
	);
	if (!row) throw new Error(`organization ${orgId} not found`);
	return {
		version: Number(row.version),
		mappings: parsed<AccessMapping[]>(row.mappings),
		projects: parsed<AccessProject[]>(row.projects),
	};
}

/**
 * The organization's resolution inputs. Mappings and projects are cached in-process per organization and
 * reused while `organization.accessVersion` (read with every SCIM request's token) still names them, so a
 * warm write spends no statement on them. Anything that changes mappings, projects or resolution settings
 * bumps the version, which makes every process reload on its next request.
 *
 * `cacheable: false` is for transactions that changed mappings or projects themselves: what they read is
 * not committed yet and must never be served to other requests.
 */
export async function loadAccessStatics(
	tx: Transaction,
	organization: Organization,
	options: { cacheable: boolean } = { cacheable: true },
): Promise<AccessStatics> {
	let loaded = options.cacheable ? cache.get(organization.id) : undefined;
	if (loaded?.version !== organization.accessVersion) {
		loaded = await loadFromDatabase(tx, organization.id);
		if (options.cacheable) {
			if (cache.size >= MAX_CACHED_ORGANIZATIONS) cache.clear();
			cache.set(organization.id, loaded);
		}
	}
	return {
		orgId: organization.id,
		version: loaded.version,
		organization: accessOrganization(organization),
		mappings: loaded.mappings,
		projects: loaded.projects,
	};
}

/** The statics after this transaction created projects: never cached (the version bump is not committed). */
export function withProjects(statics: AccessStatics, created: readonly AccessProject[]): AccessStatics {
	const known = new Set(statics.projects.map((project) => project.id));
	return {
		...statics,
		projects: [...statics.projects, ...created.filter((project) => !known.has(project.id))],
	};
}
