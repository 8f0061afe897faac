import type { Executor } from "@roster/db";
import { accessTier, deletePolicies, type Organization, organizations, roleSources } from "@roster/db";
import { diffFields } from "@roster/domain";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { recomputeAccess } from "../access/recompute.ts";
import { accessMetadata } from "../audit/access-evidence.ts";
import { recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { parseSettingsChange } from "./settings-change.ts";

const yesNo = z
	.enum(["yes", "no", "on", "off", "true", "false"])
	.transform((v) => ["yes", "on", "true"].includes(v));

/** Project roles, most privileged first, as a list or comma-separated text (`admin,write,read`). */
const projectRoleNames = z
	.union([z.array(z.string()), z.string().transform((text) => text.split(","))])
	.transform((names) => names.map((name) => name.trim()))
	.pipe(
		z
			.array(z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, "use lowercase letters, digits, - and _"))
			.min(1)
			.refine((names) => new Set(names).size === names.length, "role names must be distinct"),
	);

/** What an operator may change on an organization, from text flags (CLI) or typed values (later, the console). */
const settingsChange = z
	.object({
		scimEnabled: z.union([z.boolean(), yesNo]),
		deletePolicy: z.enum(deletePolicies),
		roleSource: z.enum(roleSources),
		fallbackTier: z.enum(accessTier.enumValues),
		autoCreateProjects: z.union([z.boolean(), yesNo]),
		allowSharedOwnership: z.union([z.boolean(), yesNo]),
		provisioningLogRetentionDays: z.coerce.number().int().min(0).max(3650),
		projectRoles: projectRoleNames,
	})
	.partial();

type SettingsChange = z.output<typeof settingsChange>;

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
	input: { organization: Organization; change: OrganizationSettingsChange; actor: string },
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
		await recordOperatorEvents(tx, organization.id, { type: "system", name: input.actor }, [
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
