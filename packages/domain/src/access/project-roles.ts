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

/** A candidate with what it grants and how precisely; both are the same on every project it reaches. */
interface Rule {
	candidate: ProjectCandidate;
	role: string;
	specificity: Specificity;
	projects: ProjectRef[];
}

/** The projects on which one rule won, or lost to one other rule; explained once for all of them. */
interface Outcome {
	rule: Rule;
	winner?: Rule;
	projects: ProjectRef[];
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

function compareProjects(a: ProjectRef, b: ProjectRef): number {
	return byCodeUnits(a.slug, b.slug) || byCodeUnits(a.id ?? "", b.id ?? "");
}

function whyLost(winner: Rule, loser: Rule): string {
	const by = `won by ${winner.role} from ${winner.candidate.source}`;
	if (winner.specificity !== loser.specificity) {
		return `${specificities[winner.specificity]} beats ${specificities[loser.specificity]}; ${by}`;
	}
	if (winner.candidate.priority !== loser.candidate.priority) {
		return `lower priority ${winner.candidate.priority} beats ${loser.candidate.priority}; ${by}`;
	}
	if (winner.role !== loser.role) return `more privileged role beats ${loser.role}; ${by}`;
	return `same rule strength, decided by source order; ${by}`;
}

/**
 * One entry per rule and result: a wildcard that wins or loses the same way on a thousand projects is
 * explained once (on its first project by slug) with `otherProjects`, not a thousand times per user.
 */
function explain({ rule, winner, projects }: Outcome): ExplainedGrant[] {
	const [first] = projects.sort(compareProjects);
	if (!first) return [];
	return [
		{
			target: { kind: "project", projectSlug: first.slug, projectId: first.id },
			value: rule.role,
			origin: rule.candidate.origin,
			source: rule.candidate.source,
			...(winner ? { reason: whyLost(winner, rule) } : {}),
			...(projects.length > 1 ? { otherProjects: projects.length - 1 } : {}),
		},
	];
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
	const byId = new Map<string, ProjectRef>();
	const bySlug = new Map<string, ProjectRef>();
	for (const { id, slug } of [...projects].sort((a, b) => byCodeUnits(a.id, b.id))) {
		const ref = byId.get(id) ?? { id, slug };
		byId.set(id, ref);
		if (!bySlug.has(slug)) bySlug.set(slug, ref);
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
	const created = projectsToCreate.map((slug) => ({ id: null, slug }));
	for (const ref of created) bySlug.set(ref.slug, ref);
	const everyProject = [...byId.values(), ...created];
	const leastPrivileged = organization.projectRoles[organization.projectRoles.length - 1];

	const rules: Rule[] = [];
	for (const candidate of candidates) {
		const role = candidate.role ?? leastPrivileged;
		if (role === undefined) continue;
		const entitlement = candidate.role === null;
		if (candidate.selector === "*" && !entitlement) {
			if (everyProject.length === 0) ignore(candidate, "no project exists for * to apply to");
			else rules.push({ candidate, role, specificity: 2, projects: everyProject });
			continue;
		}
		const exact = byId.get(candidate.selector);
		const project = exact ?? bySlug.get(candidate.selector);
		if (project) {
			const specificity: Specificity = entitlement ? 3 : exact ? 0 : 1;
			rules.push({ candidate, role, specificity, projects: [project] });
		} else if (!entitlement) {
			ignore(candidate, `no project has id or slug "${candidate.selector}"`);
		}
	}

	const privilege = (role: string) => organization.projectRoles.indexOf(role);
	rules.sort(
		(a, b) =>
			a.specificity - b.specificity ||
			compareNumbers(a.candidate.priority, b.candidate.priority) ||
			privilege(a.role) - privilege(b.role) ||
			byCodeUnits(a.candidate.source, b.candidate.source),
	);
	const winners = new Map<ProjectRef, Rule>();
	const won = new Map<Rule, Outcome>();
	const lost = new Map<Rule, Map<Rule, Outcome>>();
	for (const rule of rules) {
		for (const project of rule.projects) {
			const winner = winners.get(project);
			if (!winner) {
				winners.set(project, rule);
				const outcome = won.get(rule) ?? { rule, projects: [] };
				won.set(rule, outcome);
				outcome.projects.push(project);
				continue;
			}
			const byWinner = lost.get(rule) ?? new Map<Rule, Outcome>();
			lost.set(rule, byWinner);
			const outcome = byWinner.get(winner) ?? { rule, winner, projects: [] };
			byWinner.set(winner, outcome);
			outcome.projects.push(project);
		}
	}

	const grants = [...winners].map(([project, rule]) => ({
		projectId: project.id,
		projectSlug: project.slug,
		role: rule.role,
		source: rule.candidate.source,
	}));
	return {
		grants: grants.sort((a, b) =>
			compareProjects({ id: a.projectId, slug: a.projectSlug }, { id: b.projectId, slug: b.projectSlug }),
		),
		granted: [...won.values()].flatMap(explain),
		overruled: [...lost.values()].flatMap((byWinner) => [...byWinner.values()].flatMap(explain)),
		ignored,
		projectsToCreate,
	};
}
