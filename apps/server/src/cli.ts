import { parseArgs } from "node:util";
import { createDatabase, type DatabaseHandle, type IdpKind, idpKinds, migrate } from "@roster/db";
import { auditChainKeyring } from "@roster/domain";
import {
	createRoleMapping,
	deleteRoleMapping,
	listRoleMappings,
	type RoleMappingInput,
} from "./access/mappings.ts";
import { auditReportCommand, verifyAuditCommand } from "./audit/commands.ts";
import { sealAuditEvents } from "./audit/sealer.ts";
import { writeAll } from "./audit/stream.ts";
import { createAppKey, revokeAppKeys } from "./connections/app-keys.ts";
import { configureConnection } from "./connections/connections.ts";
import { createScimToken, revokeConnectionTokens } from "./connections/scim-tokens.ts";
import { loadConfig } from "./env.ts";
import { describeFailure } from "./failure.ts";
import { OperationError } from "./operation-error.ts";
import { createOrganization, requireOrganization } from "./organizations/organizations.ts";
import { configureOrganization } from "./organizations/settings.ts";
import { createAdmin } from "./users/admins.ts";

const USAGE = `Usage: pnpm roster <command> [options]

Commands:
  org create --slug SLUG --name NAME
  org set --slug SLUG [--scim on|off] [--delete-policy soft|hard] [--role-source idp|console|both]
          [--fallback-tier NONE|USER|PROJECTADMIN|ADMIN] [--auto-create-projects yes|no]
          [--shared-ownership yes|no] [--log-retention-days DAYS]
          [--project-roles ROLE,ROLE,... (most privileged first)]
  mapping create --org SLUG (--group NAME | --group-external-id ID | --role-pattern PATTERN)
                 (--tier TIER | --project ID|SLUG|* --project-role ROLE) [--priority N]
  mapping list --org SLUG
  mapping delete --org SLUG --id ID
  token create --org SLUG --name LABEL [--idp entra|okta|ping|onelogin|generic] [--expires-in DAYS]
  token revoke --org SLUG --name LABEL
  connection set --org SLUG --name LABEL [--compatibility auto|entra|okta|strict]
                 [--user-patch-response 200|204] [--rate-limit REQUESTS_PER_SECOND]
  admin create --email EMAIL --password PASSWORD [--org SLUG]
  db migrate
  app-key create --org SLUG --name NAME
  app-key revoke --org SLUG --name NAME
  audit verify --org SLUG
  audit seal
  audit export --org SLUG [--since ISO-8601] [--format jsonl|csv]
  audit offboarding --org SLUG [--since ISO-8601] [--format jsonl|csv]

Every command accepts --database-url URL (default: DATABASE_URL, else pglite://./.roster/data).
`;

type OptionSpec = Record<string, { type: "string"; short?: string }>;

interface CommandContext {
	handle: DatabaseHandle;
	values: Record<string, string | undefined>;
	secret: string;
	out: (line: string) => void;
}

interface Command {
	options: OptionSpec;
	required: string[];
	run(context: CommandContext): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
	"org create": {
		options: { slug: { type: "string" }, name: { type: "string" } },
		required: ["slug", "name"],
		async run({ handle, values, out }) {
			const org = await handle.db.transaction((tx) =>
				createOrganization(tx, { slug: need(values, "slug"), name: need(values, "name") }),
			);
			out(`Created organization ${org.slug} (${org.name})`);
		},
	},
	"org set": {
		options: {
			slug: { type: "string" },
			scim: { type: "string" },
			"delete-policy": { type: "string" },
			"role-source": { type: "string" },
			"fallback-tier": { type: "string" },
			"auto-create-projects": { type: "string" },
			"shared-ownership": { type: "string" },
			"log-retention-days": { type: "string" },
			"project-roles": { type: "string" },
		},
		required: ["slug"],
		async run({ handle, values, out }) {
			const organization = await requireOrganization(handle.db, need(values, "slug"));
			const result = await configureOrganization(handle.db, {
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
			out(`Updated organization ${result.organization.slug}`);
			out(`Access recomputed for ${result.usersRecomputed} users, ${result.usersChanged} changed`);
		},
	},
	"mapping create": {
		options: {
			org: { type: "string" },
			group: { type: "string" },
			"group-external-id": { type: "string" },
			"role-pattern": { type: "string" },
			tier: { type: "string" },
			project: { type: "string" },
			"project-role": { type: "string" },
			priority: { type: "string" },
		},
		required: ["org"],
		async run({ handle, values, out }) {
			const organization = await requireOrganization(handle.db, need(values, "org"));
			const result = await createRoleMapping(handle.db, {
				organization,
				mapping: mappingFromFlags(values),
				actor: { type: "system", name: "cli" },
			});
			out(`Created mapping ${result.mapping.id}`);
			out(`Access recomputed for ${result.usersRecomputed} users, ${result.usersChanged} changed`);
		},
	},
	"mapping list": {
		options: { org: { type: "string" } },
		required: ["org"],
		async run({ handle, values, out }) {
			const organization = await requireOrganization(handle.db, need(values, "org"));
			for (const mapping of await listRoleMappings(handle.db, organization)) {
				const target =
					mapping.targetKind === "tier"
						? `tier ${mapping.tier}`
						: `${mapping.projectRole} on project ${mapping.projectSelector}`;
				out(
					`${mapping.id}\t${mapping.matchKind} ${JSON.stringify(mapping.matchValue)} → ${target}\tpriority ${mapping.priority}`,
				);
			}
		},
	},
	"mapping delete": {
		options: { org: { type: "string" }, id: { type: "string" } },
		required: ["org", "id"],
		async run({ handle, values, out }) {
			const organization = await requireOrganization(handle.db, need(values, "org"));
			const result = await deleteRoleMapping(handle.db, {
				organization,
				id: need(values, "id"),
				actor: { type: "system", name: "cli" },
			});
			out(`Deleted mapping ${result.mapping.id}`);
			out(`Access recomputed for ${result.usersRecomputed} users, ${result.usersChanged} changed`);
		},
	},
	"token create": {
		options: {
			org: { type: "string" },
			name: { type: "string" },
			idp: { type: "string" },
			"expires-in": { type: "string" },
		},
		required: ["org", "name"],
		async run({ handle, values, secret, out }) {
			const idpKind = parseIdp(values.idp);
			const expiresInDays = parseDays(values["expires-in"]);
			const created = await handle.db.transaction(async (tx) => {
				const organization = await requireOrganization(tx, need(values, "org"));
				return createScimToken(tx, {
					organization,
					connectionName: need(values, "name"),
					idpKind,
					expiresInDays,
					createdBy: "cli",
					secret,
				});
			});
			const verb = created.connectionCreated ? "Created" : "Using";
			out(`${verb} connection ${created.connection.name} (${created.connection.idpKind})`);
			out(`Token prefix ${created.row.prefix}, expires ${created.row.expiresAt?.toISOString() ?? "never"}`);
			out("Copy the token now; it is stored only as a hash and cannot be shown again:");
			out(created.token);
		},
	},
	"token revoke": {
		options: { org: { type: "string" }, name: { type: "string" } },
		required: ["org", "name"],
		async run({ handle, values, out }) {
			const count = await handle.db.transaction(async (tx) => {
				const organization = await requireOrganization(tx, need(values, "org"));
				return revokeConnectionTokens(tx, {
					organization,
					connectionName: need(values, "name"),
					actor: "cli",
				});
			});
			out(`Revoked ${count} token${count === 1 ? "" : "s"} of connection ${need(values, "name")}`);
		},
	},
	"connection set": {
		options: {
			org: { type: "string" },
			name: { type: "string" },
			compatibility: { type: "string" },
			"user-patch-response": { type: "string" },
			"rate-limit": { type: "string" },
		},
		required: ["org", "name"],
		async run({ handle, values, out }) {
			const connection = await handle.db.transaction(async (tx) => {
				const organization = await requireOrganization(tx, need(values, "org"));
				return configureConnection(tx, {
					organization,
					connectionName: need(values, "name"),
					change: {
						compatibility: values.compatibility,
						userPatchResponse: values["user-patch-response"],
						requestsPerSecond: values["rate-limit"],
					},
					actor: "cli",
				});
			});
			out(`Connection ${connection.name} settings: ${JSON.stringify(connection.settings)}`);
		},
	},
	"admin create": {
		options: { email: { type: "string" }, password: { type: "string" }, org: { type: "string" } },
		required: ["email", "password"],
		async run({ handle, values, out }) {
			const admin = await handle.db.transaction(async (tx) => {
				const organization = await requireOrganization(tx, values.org ?? "default");
				return createAdmin(tx, {
					organization,
					email: need(values, "email"),
					password: need(values, "password"),
				});
			});
			out(`Created administrator ${admin.userName}`);
		},
	},
	"app-key create": {
		options: { org: { type: "string" }, name: { type: "string" } },
		required: ["org", "name"],
		async run({ handle, values, secret, out }) {
			const created = await handle.db.transaction(async (tx) => {
				const organization = await requireOrganization(tx, need(values, "org"));
				return createAppKey(tx, { organization, name: need(values, "name"), secret, actor: "cli" });
			});
			out(`Created application key ${created.row.name} (prefix ${created.row.prefix}) for /api/v1`);
			out("Copy the key now; it is stored only as a hash and cannot be shown again:");
			out(created.key);
		},
	},
	"app-key revoke": {
		options: { org: { type: "string" }, name: { type: "string" } },
		required: ["org", "name"],
		async run({ handle, values, out }) {
			const count = await handle.db.transaction(async (tx) => {
				const organization = await requireOrganization(tx, need(values, "org"));
				return revokeAppKeys(tx, { organization, name: need(values, "name"), actor: "cli" });
			});
			out(`Revoked ${count} application key${count === 1 ? "" : "s"} named ${need(values, "name")}`);
		},
	},
	"audit verify": {
		options: { org: { type: "string" } },
		required: ["org"],
		async run({ handle, values, secret, out }) {
			out(await verifyAuditCommand(handle.db, need(values, "org"), auditChainKeyring(secret)));
		},
	},
	"audit seal": {
		options: {},
		required: [],
		async run({ handle, secret, out }) {
			const sealed = await sealAuditEvents(handle.db, auditChainKeyring(secret));
			out(`Sealed ${sealed} audit event${sealed === 1 ? "" : "s"}`);
		},
	},
	"audit export": {
		options: { org: { type: "string" }, since: { type: "string" }, format: { type: "string" } },
		required: ["org"],
		async run({ handle, values }) {
			const report = { org: need(values, "org"), since: values.since, format: values.format };
			await writeAll(process.stdout, await auditReportCommand(handle.db, "events", report));
		},
	},
	"audit offboarding": {
		options: { org: { type: "string" }, since: { type: "string" }, format: { type: "string" } },
		required: ["org"],
		async run({ handle, values }) {
			const report = { org: need(values, "org"), since: values.since, format: values.format };
			await writeAll(process.stdout, await auditReportCommand(handle.db, "offboarding", report));
		},
	},
	"db migrate": {
		options: {},
		required: [],
		async run({ out }) {
			out("Migrations applied");
		},
	},
};

/**
 * Runs one operator command: migrations first, then the command in a single transaction, so a
 * failure leaves nothing half-created. Returns the exit code; errors are one line on stderr.
 */
async function runCli(argv: string[]): Promise<number> {
	const out = (line: string) => process.stdout.write(`${line}\n`);
	if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
		process.stdout.write(USAGE);
		return argv.length === 0 ? 1 : 0;
	}
	let handle: DatabaseHandle | undefined;
	try {
		const name = argv.slice(0, 2).join(" ");
		const command = COMMANDS[name];
		if (!command) throw new OperationError("invalid", `Unknown command "${name}"; run pnpm roster --help`);
		const { values } = parseArgs({
			args: argv.slice(2),
			options: {
				...command.options,
				"database-url": { type: "string" },
				help: { type: "boolean", short: "h" },
			},
			strict: true,
			allowPositionals: false,
		});
		if (values.help) {
			process.stdout.write(USAGE);
			return 0;
		}
		const strings = Object.fromEntries(
			Object.entries(values).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
		);
		for (const flag of command.required) need(strings, flag);
		const config = loadConfig(strings["database-url"] ? { DATABASE_URL: strings["database-url"] } : {});
		handle = await createDatabase(config.databaseUrl);
		await migrate(handle);
		await command.run({ handle, values: strings, secret: config.secret, out });
		return 0;
	} catch (error) {
		process.stderr.write(`${describeFailure(error)}\n`);
		return 1;
	} finally {
		await handle?.close().catch(() => undefined);
	}
}

function need(values: Record<string, string | undefined>, flag: string): string {
	const value = values[flag];
	if (value === undefined || value.trim() === "")
		throw new OperationError("invalid", `Missing required option --${flag}`);
	return value;
}

/** Exactly one of the match flags and one target (a tier, or a project with a role) make a mapping. */
function mappingFromFlags(values: Record<string, string | undefined>): RoleMappingInput {
	const matches = [
		["group_display_name", values.group],
		["group_external_id", values["group-external-id"]],
		["role_urn", values["role-pattern"]],
	] as const;
	const given = matches.filter(([, value]) => value !== undefined);
	const [match] = given;
	if (given.length !== 1 || !match) {
		throw new OperationError("invalid", "Give exactly one of --group, --group-external-id or --role-pattern");
	}
	const priority = values.priority === undefined ? undefined : Number(values.priority);
	if (values.tier !== undefined && (values.project !== undefined || values["project-role"] !== undefined)) {
		throw new OperationError("invalid", "Give either --tier or --project with --project-role, not both");
	}
	return {
		matchKind: match[0],
		matchValue: match[1] ?? "",
		...(values.tier !== undefined
			? { targetKind: "tier" as const, tier: values.tier.toUpperCase() as RoleMappingInput["tier"] }
			: {
					targetKind: "project_role" as const,
					projectSelector: values.project ?? null,
					projectRole: values["project-role"] ?? null,
				}),
		...(priority !== undefined ? { priority } : {}),
	};
}

function parseIdp(value: string | undefined): IdpKind | undefined {
	if (value === undefined) return undefined;
	const kind = idpKinds.find((candidate) => candidate === value);
	if (!kind)
		throw new OperationError("invalid", `Unknown --idp "${value}"; use one of ${idpKinds.join(", ")}`);
	return kind;
}

function parseDays(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < 1) {
		throw new OperationError("invalid", `Invalid --expires-in "${value}": give a whole number of days`);
	}
	return Number(value);
}

process.exit(await runCli(process.argv.slice(2)));
