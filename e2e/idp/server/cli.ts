import { parseArgs } from "node:util";
import { TENANT_KINDS, type TenantKind } from "./kinds.ts";
import { startMockTenant } from "./start.ts";

const USAGE = `usage: pnpm mock-idp --kind ${TENANT_KINDS.join("|")} [--port N] [--host H] [--roster-url URL] [--token T] [--cycle-minutes M]`;

function fail(message: string): never {
	process.stderr.write(`${message}\n${USAGE}\n`);
	process.exit(2);
}

/** `pnpm mock-idp`: one mock tenant for hand use, until Ctrl+C (e2e/idp/README.md). */
async function main(): Promise<void> {
	let values: ReturnType<typeof parse>["values"];
	function parse() {
		return parseArgs({
			options: {
				kind: { type: "string" },
				port: { type: "string" },
				host: { type: "string" },
				"roster-url": { type: "string" },
				token: { type: "string" },
				"cycle-minutes": { type: "string" },
				help: { type: "boolean" },
			},
			strict: true,
		});
	}
	try {
		values = parse().values;
	} catch (error) {
		fail(error instanceof Error ? error.message : String(error));
	}
	if (values.help) {
		process.stdout.write(`${USAGE}\n`);
		return;
	}
	const kind = values.kind as TenantKind | undefined;
	if (!kind || !TENANT_KINDS.includes(kind)) fail(`--kind must be one of ${TENANT_KINDS.join(", ")}`);
	const port = values.port === undefined ? 0 : Number(values.port);
	if (!Number.isInteger(port) || port < 0 || port > 65_535) fail("--port must be a port number");
	const minutes = values["cycle-minutes"] === undefined ? undefined : Number(values["cycle-minutes"]);
	if (minutes !== undefined && !(minutes > 0)) fail("--cycle-minutes must be a positive number");
	const tenant = await startMockTenant({
		kind,
		port,
		...(values.host ? { host: values.host } : {}),
		...(values["roster-url"] ? { rosterBaseUrl: values["roster-url"] } : {}),
		...(values.token ? { token: values.token } : {}),
		...(minutes ? { cycleIntervalMs: minutes * 60_000 } : {}),
	});
	const { control } = tenant;
	process.stdout.write(
		[
			`${control.profile.portal} — profile ${kind}`,
			`  portal:        ${tenant.url}/`,
			`  provisioning:  ${tenant.url}/provisioning${control.scimUrl ? ` (${control.profile.urlLabel} ${control.scimUrl})` : ""}`,
			`  OpenID issuer: ${tenant.issuer}`,
			`  client id:     ${control.clientId}`,
			`  client secret: ${control.clientSecret}`,
			"  password of every user: mock-password",
			"Ctrl+C stops the tenant (its directory lives in memory).",
			"",
		].join("\n"),
	);
	const stop = () => {
		tenant.stop().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.once("SIGINT", stop);
	process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
	process.stderr.write(`mock-idp: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});
