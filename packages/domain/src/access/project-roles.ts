import { byCodeUnits, type ProjectCandidate } from "./candidates.ts";
import type {
	AccessOrganization,
	AccessProject,
	ExplainedGrant,
	IgnoredValue,
	ProjectRoleGrant,
} from "./types.ts";

/** How precisely a rule names its project; lower wins. */
const specificities = ["exact id", "slug", "wildcard", "default entitlement"] as const;
type Specificity = 0 | 1 | 2 | 3;

interface ProjectRef {
	id: string | null;
	slug: string;
}

interface Placed {
	project: ProjectRef;
	role: string;
	specificity: Specificity;
	candidate: ProjectCandidate;
}

export interface ProjectRoleOutcome {
	grants: ProjectRoleGrant[];
	granted: ExplainedGrant[];
	overruled: ExplainedGrant[];
	ignored: IgnoredValue[];
	projectsToCreate: string[];
}

function compareNumbers(a: number, b: number): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function explained(placed: Placed, reason?: string): ExplainedGrant {
	const { project, role, candidate } = placed;
	return {
		target: { kind: "project", projectSlug: project.slug, projectId: project.id },
		value: role,
		origin: candidate.origin,
		source: candidate.source,
		...(reason ? { reason } : {}),
	};
}

/**
 * Chooses at most one role per project. Exact id beats slug beats `*` beats the default an entitlement
 * gives (the least privileged role); within one specificity the lower mapping priority wins (IdP values
 * count as 0), then the more privileged role, then the source string, so the result never depends on input
 * order. Entitlements to unknown projects list them for creation when the organization allows it; `*` and
 * slug rules also reach those projects, so the decision is the same before and after they are created.
 */
export function resolveProjectRoles(
	organization: AccessOrganization,
	projects: AccessProject[],
	candidates: ProjectCandidate[],
): ProjectRoleOutcome {
	const sortedProjects = [...projects].sort((a, b) => byCodeUnits(a.id, b.id));
	const byId = new Map<string, ProjectRef>();
	const bySlug = new Map<string, ProjectRef>();
	for (const { id, slug } of sortedProjects) {
		if (!byId.has(id)) byId.set(id, { id, slug });
		if (!bySlug.has(slug)) bySlug.set(slug, { id, slug });
	}
	const ignored: IgnoredValue[] = [];
	const ignore = (c: ProjectCandidate, detail: string) =>
		ignored.push({ value: c.value, origin: c.origin, source: c.source, reason: "unknown project", detail });

	const toCreate = new Set<string>();
	for (const c of candidates) {
		if (c.role !== null || byId.has(c.selector) || bySlug.has(c.selector)) continue;
		if (organization.autoCreateProjects) toCreate.add(c.selector);
		else ignore(c, `no project has id or slug "${c.selector}" and the organization does not create projects`);
	}
	const projectsToCreate = [...toCreate].sort(byCodeUnits);
	for (const slug of projectsToCreate) bySlug.set(slug, { id: null, slug });
	const everyProject = [...bySlug.values()];
	const leastPrivileged = organization.projectRoles[organization.projectRoles.length - 1];

	const placed: Placed[] = [];
	for (const c of candidates) {
		const role = c.role ?? leastPrivileged;
		if (role === undefined) continue;
		const entitlement = c.role === null;
		if (c.selector === "*" && !entitlement) {
			if (everyProject.length === 0) ignore(c, "no project exists for * to apply to");
			for (const project of everyProject) placed.push({ project, role, specificity: 2, candidate: c });
			continue;
		}
		const exact = byId.get(c.selector);
		const project = exact ?? bySlug.get(c.selector);
		if (!project) {
			if (!entitlement) ignore(c, `no project has id or slug "${c.selector}"`);
			continue;
		}
		const specificity: Specificity = entitlement ? 3 : exact ? 0 : 1;
		placed.push({ project, role, specificity, candidate: c });
	}

	const privilege = (role: string) => organization.projectRoles.indexOf(role);
	const compare = (a: Placed, b: Placed) =>
		a.specificity - b.specificity ||
		compareNumbers(a.candidate.priority, b.candidate.priority) ||
		privilege(a.role) - privilege(b.role) ||
		byCodeUnits(a.candidate.source, b.candidate.source);
	const whyLost = (winner: Placed, loser: Placed): string => {
		const by = `won by ${winner.role} from ${winner.candidate.source}`;
		if (winner.specificity !== loser.specificity) {
			return `${specificities[winner.specificity]} beats ${specificities[loser.specificity]}; ${by}`;
		}
		if (winner.candidate.priority !== loser.candidate.priority) {
			return `lower priority ${winner.candidate.priority} beats ${loser.candidate.priority}; ${by}`;
		}
		if (winner.role !== loser.role) return `more privileged role beats ${loser.role}; ${by}`;
		return `same rule strength, decided by source order; ${by}`;
	};

	const perProject = new Map<string, Placed[]>();
	for (const p of placed) {
		const key = p.project.id === null ? `new:${p.project.slug}` : `id:${p.project.id}`;
		perProject.set(key, [...(perProject.get(key) ?? []), p]);
	}
	const outcome: ProjectRoleOutcome = { grants: [], granted: [], overruled: [], ignored, projectsToCreate };
	for (const contenders of perProject.values()) {
		const [winner, ...losers] = contenders.sort(compare);
		if (!winner) continue;
		outcome.grants.push({
			projectId: winner.project.id,
			projectSlug: winner.project.slug,
			role: winner.role,
			source: winner.candidate.source,
		});
		outcome.granted.push(explained(winner));
		for (const loser of losers) outcome.overruled.push(explained(loser, whyLost(winner, loser)));
	}
	outcome.grants.sort(
		(a, b) => byCodeUnits(a.projectSlug, b.projectSlug) || byCodeUnits(a.projectId ?? "", b.projectId ?? ""),
	);
	return outcome;
}
