import { requireOrganization } from "../organizations/organizations.ts";
import { createAdmin, unlockAdmin } from "../users/admins.ts";
import type { Command } from "./command.ts";
import { need } from "./flags.ts";
import { passwordFrom } from "./password-input.ts";

/** `admin create` and `admin unlock`: local console administrators, out of the IdP's reach. */
export const adminCommands: Command[] = [
	{
		name: "admin create",
		usage: [
			{ flag: "email", value: "EMAIL", required: true },
			{ flag: "password", value: "PASSWORD" },
			{ flag: "org", value: "SLUG" },
		],
		description:
			"create a local console administrator (in the default organization unless --org); without --password a terminal asks for it twice, --password - reads it from stdin",
		// The password is asked for before the transaction opens, so no transaction waits on a person typing.
		transaction: false,
		async run({ db, values }) {
			const email = need(values, "email");
			const password = await passwordFrom(values.password);
			const admin = await db.transaction(async (tx) =>
				createAdmin(tx, {
					organization: await requireOrganization(tx, values.org ?? "default"),
					email,
					password,
				}),
			);
			return [`Created administrator ${admin.userName}`];
		},
	},
	{
		name: "admin unlock",
		usage: [
			{ flag: "email", value: "EMAIL", required: true },
			{ flag: "org", value: "SLUG" },
		],
		description: "lift a console administrator's sign-in lockout after too many wrong passwords",
		transaction: true,
		async run({ db, values }) {
			const organization = await requireOrganization(db, values.org ?? "default");
			const unlocked = await unlockAdmin(db, {
				organization,
				email: need(values, "email"),
				actor: { type: "system", name: "cli" },
			});
			return [
				unlocked.wasLocked
					? `Unlocked administrator ${unlocked.userName}`
					: `Administrator ${unlocked.userName} was not locked; its count of wrong passwords starts again from zero`,
			];
		},
	},
];
