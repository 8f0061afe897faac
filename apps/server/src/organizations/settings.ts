import type { Executor } from "@roster/db";
import { type deletePolicies, type Organization, organizations, type roleSources } from "@roster/db";
import { diffFields } from "@roster/domain";
import {
	deletePolicies as domainDeletePolicies,
	roleSources as domainRoleSources,
	type SettingsChange,
	settingsChange,
} from "@roster/domain/inputs/settings";
import { eq, sql } from "drizzle-orm";
import { recomputeAccess } from "../access/recompute.ts";
import { accessMetadata } from "../audit/access-evidence.ts";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { parseSettingsChange } from "./settings-change.ts";

// The form and the CLI validate against the domain's lists, the table checks its own: compilation fails if they part.
[domainDeletePolicies, domainRoleSources] satisfies [typeof deletePolicies, typeof roleSources];

/** Unvalidated input: every field is checked here. */
export type OrganizationSettingsChange = Partial<Record<keyof SettingsChange, unknown>>;

/** Settings that feed role resolution: changing one recomputes everyone's access. */
const ACCESS_SETTINGS: readonly (keyof SettingsChange)[] = [
	"roleSource",
	"fallbackTier",
	"autoCreateProjects",
	"projectRoles",
];

export interface OrganizationSettingsResult {
	organization: Organization;
	usersRecomputed: number;
	usersChanged: number;
}

/**
 * Changes an organization's provisioning settings in one audited transaction. When a setting that feeds role
 * resolution changes, the access version is bumped (so cached inputs are dropped) and every user's access is
 * recomputed in the same transaction, set-based.
 */
export async function configureOrganization(
	db: Executor,
	input: { organization: Organization; change: OrganizationSettingsChange; actor: OperatorActor | string },
): Promise<OrganizationSettingsResult> {
	const change = parseSettingsChange(settingsChange, input.change);
	return db.transaction(async (tx) => {
		const [before] = await tx
			.select()
			.from(organizations)
			.where(eq(organizations.id, input.organization.id))
			.for("update");
		if (!before) throw new OperationError("not_found", `Unknown organization "${input.organization.slug}"`);
		const changes = diffFields(
			Object.fromEntries(Object.keys(change).map((key) => [key, before[key as keyof SettingsChange]])),
			change,
		);
		const affectsAccess = ACCESS_SETTINGS.some((key) => key in changes);
		const [organization] = await tx
			.update(organizations)
			.set({
				...change,
				updatedAt: new Date(),
				...(affectsAccess ? { accessVersion: sql`${organizations.accessVersion} + 1` } : {}),
			})
			.where(eq(organizations.id, before.id))
			.returning();
		if (!organization) throw new Error("organization update returned no row");
		const summary = affectsAccess
			? await recomputeAccess(tx, organization, { organization: true }, { cacheable: false })
			: { usersExamined: 0, usersChanged: 0 };
		const actor =
			typeof input.actor === "string" ? { type: "system" as const, name: input.actor } : input.actor;
		await recordOperatorEvents(tx, organization.id, actor, [
			{
				action: "ORGANIZATION_SETTINGS_UPDATED",
				entityType: "Organization",
				entityId: organization.id,
				entityName: organization.slug,
				changes,
				metadata: accessMetadata(summary),
			},
		]);
		return { organization, usersRecomputed: summary.usersExamined, usersChanged: summary.usersChanged };
	});
}
