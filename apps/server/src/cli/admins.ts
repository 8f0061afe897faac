import { requireOrganization } from "../organizations/organizations.ts";
import { createAdmin } from "../users/admins.ts";
import type { Command } from "./command.ts";
import { need } from "./flags.ts";

/** `admin create`: a local console administrator, out of the IdP's reach. */
export const adminCommands: Command[] = [
	{
		name: "admin create",
		usage: [
			{ flag: "email", value: "EMAIL", required: true },
			{ flag: "password", value: "PASSWORD", required: true },
			{ flag: "org", value: "SLUG" },
		],
		description: "create a local console administrator (in the default organization unless --org)",
		transaction: true,
		async run({ db, values }) {
			const organization = await requireOrganization(db, values.org ?? "default");
			const admin = await createAdmin(db, {
				organization,
				email: need(values, "email"),
				password: need(values, "password"),
			});
			return [`Created administrator ${admin.userName}`];
		},
	},
];
