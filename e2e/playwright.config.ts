import { fileURLToPath } from "node:url";
import { defineConfig, type ReporterDescription } from "@playwright/test";
import {
	E2E_ADMINS,
	E2E_LIFECYCLE_KINDS,
	E2E_PORT,
	E2E_RECOMPUTE_JOB_THRESHOLD,
	E2E_STATE_DIR,
	lifecycleOrganization,
} from "./state.ts";

const port = E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const isCI = Boolean(process.env.CI);

const reporter: ReporterDescription[] = [["list"]];
if (process.env.PLAYWRIGHT_JSON_OUTPUT_NAME) reporter.push(["json"]);

/**
 * Drives the real server, booted by `start-server.sh` on a fresh PGlite database and serving the freshly
 * built console, with the system Chromium: browsers are never downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
 */
export default defineConfig({
	testDir: "specs",
	forbidOnly: isCI,
	retries: 0,
	workers: 1,
	timeout: 30_000,
	reporter,
	use: {
		baseURL,
		trace: "retain-on-failure",
		launchOptions: {
			executablePath: "/usr/bin/chromium",
			args: [
				"--no-sandbox",
				"--disable-gpu",
				"--disable-background-networking",
				"--disable-component-update",
				"--disable-sync",
				"--no-first-run",
				"--disable-quic",
			],
		},
	},
	projects: [{ name: "chromium" }],
	webServer: {
		command: "bash e2e/start-server.sh",
		cwd: repoRoot,
		url: `${baseURL}/readyz`,
		reuseExistingServer: !isCI,
		timeout: 180_000,
		stdout: "ignore",
		stderr: "pipe",
		env: {
			PORT: String(port),
			HOST: "127.0.0.1",
			E2E_STATE_DIR,
			E2E_ADMIN_EMAIL: E2E_ADMINS.main.email,
			E2E_ADMIN_PASSWORD: E2E_ADMINS.main.password,
			E2E_LOCKOUT_EMAIL: E2E_ADMINS.lockout.email,
			E2E_LOCKOUT_PASSWORD: E2E_ADMINS.lockout.password,
			// "slug email password" per line, for setup's `org create` and `admin create`.
			E2E_LIFECYCLE_ORGS: E2E_LIFECYCLE_KINDS.map((kind) => {
				const { slug, admin } = lifecycleOrganization(kind);
				return `${slug} ${admin.email} ${admin.password}`;
			}).join("\n"),
			ROSTER_SECRET: "e2e-only-secret-0123456789abcdef0123456789abcdef",
			SCIM_SERVER_ENABLED: "true",
			// The webhooks spec delivers to a receiver it runs on 127.0.0.1.
			WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
			LOG_LEVEL: "warn",
			RECOMPUTE_JOB_ABOVE: String(E2E_RECOMPUTE_JOB_THRESHOLD),
		},
	},
});
