import { fileURLToPath } from "node:url";
import { defineConfig, type ReporterDescription } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 8799);
const baseURL = `http://127.0.0.1:${port}`;
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const isCI = Boolean(process.env.CI);

const reporter: ReporterDescription[] = [["list"]];
if (process.env.PLAYWRIGHT_JSON_OUTPUT_NAME) reporter.push(["json"]);

/**
 * Drives the real server, booted on in-memory PGlite and serving the freshly built console, with the
 * system Chromium: browsers are never downloaded (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1).
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
		command: "pnpm --filter @roster/console build && pnpm --filter @roster/server start",
		cwd: repoRoot,
		url: `${baseURL}/readyz`,
		reuseExistingServer: !isCI,
		timeout: 180_000,
		stdout: "ignore",
		stderr: "pipe",
		env: {
			PORT: String(port),
			HOST: "127.0.0.1",
			DATABASE_URL: "memory://",
			ROSTER_SECRET: "e2e-only-secret-0123456789abcdef0123456789abcdef",
			SCIM_SERVER_ENABLED: "true",
			LOG_LEVEL: "warn",
		},
	},
});
