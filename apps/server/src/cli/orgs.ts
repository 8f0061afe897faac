import { createOrganization, requireOrganization } from "../organizations/organizations.ts";
import { configureOrganization } from "../organizations/settings.ts";
import type { Command } from "./command.ts";
import { need } from "./flags.ts";

/** `org create` and `org set`. */
export const orgCommands: Command[] = [
	{
		name: "org create",
		usage: [
			{ flag: "slug", value: "SLUG", required: true },
			{ flag: "name", value: "NAME", required: true },
		],
		description: "create an organization (default exists from the first start)",
		transaction: true,
		async run({ db, values }) {
			const org = await createOrganization(db, { slug: need(values, "slug"), name: need(values, "name") });
			return [`Created organization ${org.slug} (${org.name})`];
		},
	},
	{
		name: "org set",
		usage: [
			{ flag: "slug", value: "SLUG", required: true },
			{ flag: "scim", value: "on|off" },
			{ flag: "delete-policy", value: "soft|hard" },
			{ flag: "role-source", value: "idp|console|both" },
			{ flag: "fallback-tier", value: "NONE|USER|PROJECTADMIN|ADMIN" },
			{ flag: "auto-create-projects", value: "yes|no" },
			{ flag: "shared-ownership", value: "yes|no" },
			{ flag: "log-retention-days", value: "DAYS" },
			{ flag: "project-roles", value: "ROLE,ROLE,... (most privileged first)" },
		],
		description: "change an organization's provisioning settings; everyone's access is recomputed as needed",
		transaction: true,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "slug"));
			const result = await configureOrganization(db, {
				organization,
				change: {
					scimEnabled: values.scim,
					deletePolicy: values["delete-policy"],
					roleSource: values["role-source"],
					fallbackTier: values["fallback-tier"],
					autoCreateProjects: values["auto-create-projects"],
					allowSharedOwnership: values["shared-ownership"],
					provisioningLogRetentionDays: values["log-retention-days"],
					projectRoles: values["project-roles"],
				},
				actor: "cli",
			});
			return [
				`Updated organization ${result.organization.slug}`,
				`Access recomputed for ${result.usersRecomputed} users, ${result.usersChanged} changed`,
			];
		},
	},
];
