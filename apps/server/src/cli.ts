import { parseArgs } from "node:util";
import { createDatabase, type DatabaseHandle, type IdpKind, idpKinds, migrate } from "@roster/db";
import { auditReportCommand, verifyAuditCommand } from "./audit/commands.ts";
import { sealAuditEvents } from "./audit/sealer.ts";
import { writeAll } from "./audit/stream.ts";
import { loadConfig } from "./env.ts";
import { describeFailure } from "./failure.ts";
import { createAdmin } from "./services/admins.ts";
import { createAppKey, revokeAppKeys } from "./services/app-keys.ts";
import { configureConnection } from "./services/connections.ts";
import { ServiceError } from "./services/errors.ts";
import { createOrganization, requireOrganization } from "./services/organizations.ts";
import { createScimToken, revokeConnectionTokens } from "./services/tokens.ts";

const USAGE = `Usage: pnpm roster <command> [options]

Commands:
  org create --slug SLUG --name NAME
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
				return revokeConnectionTokens(tx, { organization, connectionName: need(values, "name") });
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
		async run({ handle, values, out }) {
			out(await verifyAuditCommand(handle.db, need(values, "org")));
		},
	},
	"audit seal": {
		options: {},
		required: [],
		async run({ handle, out }) {
			const sealed = await sealAuditEvents(handle.db);
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
		if (!command) throw new ServiceError("invalid", `Unknown command "${name}"; run pnpm roster --help`);
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
		throw new ServiceError("invalid", `Missing required option --${flag}`);
	return value;
}

function parseIdp(value: string | undefined): IdpKind | undefined {
	if (value === undefined) return undefined;
	const kind = idpKinds.find((candidate) => candidate === value);
	if (!kind) throw new ServiceError("invalid", `Unknown --idp "${value}"; use one of ${idpKinds.join(", ")}`);
	return kind;
}

function parseDays(value: string | undefined): number | undefined {
	if (value === undefined) return undefined;
	if (!/^\d+$/.test(value) || Number(value) < 1) {
		throw new ServiceError("invalid", `Invalid --expires-in "${value}": give a whole number of days`);
	}
	return Number(value);
}

process.exit(await runCli(process.argv.slice(2)));
