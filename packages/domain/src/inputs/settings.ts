import { z } from "zod";
import { accessTiers } from "../access/tiers.ts";

/** What happens to a user the IdP deletes: kept as a tombstone, or removed. */
export const deletePolicies = ["soft", "hard"] as const;
/** Where role grants may come from: IdP role values, console mappings, or both. */
export const roleSources = ["idp", "console", "both"] as const;

const yesNo = z
	.enum(["yes", "no", "on", "off", "true", "false"])
	.transform((v) => ["yes", "on", "true"].includes(v));

/** A switch given as a boolean (console) or as `yes`/`no`, `on`/`off`, `true`/`false` text (CLI flags). */
const onOff = z.union([z.boolean(), yesNo]);

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

/**
 * What an operator may change on an organization. One schema for the CLI (text flags), the console form
 * (typed values) and the `settings.update` procedure, so the three refuse exactly the same values.
 */
export const settingsChange = z
	.object({
		scimEnabled: onOff,
		deletePolicy: z.enum(deletePolicies),
		roleSource: z.enum(roleSources),
		fallbackTier: z.enum(accessTiers),
		autoCreateProjects: onOff,
		allowSharedOwnership: onOff,
		provisioningLogRetentionDays: z.coerce.number().int().min(0).max(3650),
		projectRoles: projectRoleNames,
	})
	.partial();

/** A validated change: only typed values (`true`, `30`, `["admin", "read"]`). */
export type SettingsChange = z.output<typeof settingsChange>;

/** What the console form and the CLI may send before validation. */
export type SettingsChangeInput = z.input<typeof settingsChange>;

/** Every setting an operator may change, in the order the console shows them. */
export const settingNames = [
	"scimEnabled",
	"deletePolicy",
	"roleSource",
	"fallbackTier",
	"autoCreateProjects",
	"allowSharedOwnership",
	"provisioningLogRetentionDays",
	"projectRoles",
] as const satisfies readonly (keyof SettingsChange)[];

/** An organization's current settings, every one present. */
export type OrganizationSettings = Required<SettingsChange>;

/** The settings out of an organization row (or anything carrying them), nothing else. */
export function settingsOf(organization: OrganizationSettings): OrganizationSettings {
	return Object.fromEntries(settingNames.map((name) => [name, organization[name]])) as OrganizationSettings;
}
