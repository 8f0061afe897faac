import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { type Clock, realClock } from "../clock.ts";
import type { Directory } from "../directory.ts";
import type { FetchLike } from "../http.ts";
import { newSigningKey } from "../oidc/provider.ts";
import { apiRoutes } from "./api.ts";
import { TenantControl } from "./control.ts";
import type { TenantKind } from "./kinds.ts";
import { openIdProviderFor } from "./oidc.ts";
import { type PortalEnv, portalRoutes } from "./portal.ts";
import { signInRoutes } from "./sign-in.ts";

export interface MockTenantOptions {
	kind: TenantKind;
	/** 0 (the default) picks a free port. */
	port?: number;
	host?: string;
	/** Roster's origin (`http://127.0.0.1:8787`) or its SCIM base URL (`…/scim/v2`). */
	rosterBaseUrl?: string;
	/** The SCIM bearer token Roster issued for this connection. */
	token?: string;
	/** Entra: time between incremental cycles once provisioning is on; 40 minutes by default. */
	cycleIntervalMs?: number;
	/** The registered SSO application; generated when left out. */
	clientId?: string;
	clientSecret?: string;
	redirectUris?: string[];
	/** Real time unless a test passes a fake clock. */
	clock?: Clock;
	fetch?: FetchLike;
}

/** A running mock tenant: its origin (= OpenID issuer) and the control handle behind its pages and API. */
export interface MockTenant {
	url: string;
	issuer: string;
	kind: TenantKind;
	control: TenantControl;
	directory: Directory;
	stop(): Promise<void>;
}

/** Path prefixes the portal serves; every other path belongs to the OpenID provider. */
const PORTAL_PREFIXES = [
	"/provisioning",
	"/users",
	"/groups",
	"/logs",
	"/sso",
	"/tasks",
	"/api",
	"/interaction",
];

function isPortalPath(path: string): boolean {
	return path === "/" || PORTAL_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** The SCIM base URL for Roster's origin, or the URL itself when it already is one. */
export function scimUrlOf(rosterBaseUrl: string): string {
	const trimmed = rosterBaseUrl.replace(/\/+$/, "");
	return /\/scim\/v2$/.test(trimmed) ? trimmed : `${trimmed}/scim/v2`;
}

/**
 * Starts a mock tenant (Entra or Okta) as a server: the admin portal, the JSON control API and the
 * OpenID provider on one origin. Specs and benchmarks call this in-process; `pnpm mock-idp` is a CLI over it.
 */
export async function startMockTenant(options: MockTenantOptions): Promise<MockTenant> {
	const clock = options.clock ?? realClock;
	const control = new TenantControl({
		kind: options.kind,
		clock,
		fetch: options.fetch ?? ((url, init) => fetch(url, init)),
		...(options.rosterBaseUrl ? { scimUrl: scimUrlOf(options.rosterBaseUrl) } : {}),
		...(options.token ? { token: options.token } : {}),
		...(options.cycleIntervalMs ? { cycleIntervalMs: options.cycleIntervalMs } : {}),
		...(options.clientId ? { clientId: options.clientId } : {}),
		...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
		...(options.redirectUris ? { redirectUris: options.redirectUris } : {}),
	});
	const server = createServer();
	const host = options.host ?? "127.0.0.1";
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(options.port ?? 0, host, () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	const issuer = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
	const signingKey = newSigningKey();
	let provider = openIdProviderFor(control, issuer, signingKey);
	control.onClientChange = () => {
		provider = openIdProviderFor(control, issuer, signingKey);
	};

	const app = new Hono<PortalEnv>();
	app.route(
		"/api",
		apiRoutes(
			() => control,
			() => issuer,
		),
	);
	app.route(
		"/interaction",
		signInRoutes(
			() => control,
			() => provider,
		),
	);
	app.route(
		"/",
		portalRoutes(() => ({ control, issuer })),
	);
	app.onError((error, c) => {
		process.stderr.write(
			`mock tenant: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
		);
		return c.text("The mock tenant failed; see its terminal.", 500);
	});
	const portal = getRequestListener(app.fetch);
	server.on("request", (req, res) => {
		const path = new URL(req.url ?? "/", issuer).pathname;
		if (isPortalPath(path)) void portal(req, res);
		else provider.handler(req, res);
	});
	return {
		url: issuer,
		issuer,
		kind: options.kind,
		control,
		directory: control.directory,
		async stop() {
			await control.close();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
