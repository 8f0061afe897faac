import { createAppKey, revokeAppKeys } from "../connections/app-keys.ts";
import { requireOrganization } from "../organizations/organizations.ts";
import type { Command } from "./command.ts";
import { need } from "./flags.ts";

const usage = [
	{ flag: "org", value: "SLUG", required: true },
	{ flag: "name", value: "NAME", required: true },
] as const;

/** `app-key create` and `app-key revoke`: the host application's keys for `/api/v1`. */
export const appKeyCommands: Command[] = [
	{
		name: "app-key create",
		usage: [...usage],
		description: "create a host-application key for /api/v1; shown once",
		transaction: true,
		async run({ db, values, secret }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const created = await createAppKey(db, {
				organization,
				name: need(values, "name"),
				secret,
				actor: "cli",
			});
			return [
				`Created application key ${created.row.name} (prefix ${created.row.prefix}) for /api/v1`,
				"Copy the key now; it is stored only as a hash and cannot be shown again:",
				created.key,
			];
		},
	},
	{
		name: "app-key revoke",
		usage: [...usage],
		description: "revoke every live application key of that name",
		transaction: true,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const count = await revokeAppKeys(db, { organization, name: need(values, "name"), actor: "cli" });
			return [`Revoked ${count} application key${count === 1 ? "" : "s"} named ${need(values, "name")}`];
		},
	},
];
