import { idpKinds } from "@roster/db";
import { configureConnection } from "../connections/connections.ts";
import { createScimToken, revokeConnectionTokens } from "../connections/scim-tokens.ts";
import { requireOrganization } from "../organizations/organizations.ts";
import type { Command } from "./command.ts";
import { need, parseDays, parseIdp } from "./flags.ts";

const org = { flag: "org", value: "SLUG", required: true } as const;
const label = { flag: "name", value: "LABEL", required: true } as const;

/** `token create`, `token revoke` and `connection set`: an IdP connection and its SCIM tokens. */
export const connectionCommands: Command[] = [
	{
		name: "token create",
		usage: [org, label, { flag: "idp", value: idpKinds.join("|") }, { flag: "expires-in", value: "DAYS" }],
		description: "issue a SCIM bearer token for the connection LABEL (created if missing); shown once",
		transaction: true,
		async run({ db, values, secret }) {
			const idpKind = parseIdp(values.idp);
			const expiresInDays = parseDays(values["expires-in"]);
			const organization = await requireOrganization(db, need(values, "org"));
			const created = await createScimToken(db, {
				organization,
				connectionName: need(values, "name"),
				idpKind,
				expiresInDays,
				createdBy: "cli",
				secret,
			});
			const verb = created.connectionCreated ? "Created" : "Using";
			return [
				`${verb} connection ${created.connection.name} (${created.connection.idpKind})`,
				`Token prefix ${created.row.prefix}, expires ${created.row.expiresAt?.toISOString() ?? "never"}`,
				"Copy the token now; it is stored only as a hash and cannot be shown again:",
				created.token,
			];
		},
	},
	{
		name: "token revoke",
		usage: [org, label],
		description: "revoke the connection's tokens; requests with them fail with 401 at once",
		transaction: true,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const count = await revokeConnectionTokens(db, {
				organization,
				connectionName: need(values, "name"),
				actor: "cli",
			});
			return [`Revoked ${count} token${count === 1 ? "" : "s"} of connection ${need(values, "name")}`];
		},
	},
	{
		name: "connection set",
		usage: [
			org,
			label,
			{ flag: "compatibility", value: "auto|entra|okta|strict" },
			{ flag: "user-patch-response", value: "200|204" },
			{ flag: "rate-limit", value: "REQUESTS_PER_SECOND" },
		],
		description: "change a connection's response profile, PATCH answer and rate limit",
		transaction: true,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const connection = await configureConnection(db, {
				organization,
				connectionName: need(values, "name"),
				change: {
					compatibility: values.compatibility,
					userPatchResponse: values["user-patch-response"],
					requestsPerSecond: values["rate-limit"],
				},
				actor: "cli",
			});
			return [`Connection ${connection.name} settings: ${JSON.stringify(connection.settings)}`];
		},
	},
];
