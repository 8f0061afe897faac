import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { killServers, runCli, runTsx, spawnServer } from "./helpers.ts";

afterEach(killServers);

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once("error", reject);
		probe.listen(0, "127.0.0.1", () => {
			const address = probe.address();
			probe.close(() =>
				typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
			);
		});
	});
}

async function waitForHealth(url: string, deadline: number): Promise<void> {
	while (Date.now() < deadline) {
		try {
			const res = await fetch(url);
			if (res.ok) return;
		} catch {
			await new Promise((resolve) => setTimeout(resolve, 200));
		}
	}
	throw new Error(`${url} did not become healthy`);
}

describe("server process", () => {
	it("exits 0 on SIGTERM after serving, releasing the PGlite directory", async () => {
		const port = await freePort();
		const dataUrl = `pglite://${join(mkdtempSync(join(tmpdir(), "roster-boot-")), "data")}`;
		const server = spawnServer({ PORT: String(port), DATABASE_URL: dataUrl });
		await waitForHealth(`http://127.0.0.1:${port}/healthz`, Date.now() + 60_000);
		expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
		server.child.kill("SIGTERM");
		expect(await server.exited).toBe(0);
		expect(server.stdout()).toContain(`http://127.0.0.1:${port}`);
		const after = await runCli(["db", "migrate", "--database-url", dataUrl]);
		expect(after.code).toBe(0);
	});

	it("refuses bad configuration at boot with one line on stderr", async () => {
		const result = await runTsx("src/index.ts", [], { PORT: "not-a-port", DATABASE_URL: "memory://" });
		expect(result.code).toBe(1);
		expect(result.stderr.trim().split("\n")).toEqual([
			expect.stringMatching(/^Error: Invalid configuration: PORT/),
		]);
	});

	it("refuses an unusable database at boot with one line on stderr", async () => {
		const result = await runTsx("src/index.ts", [], {
			PORT: "0",
			DATABASE_URL: "postgres://nobody@127.0.0.1:1/none",
		});
		expect(result.code).toBe(1);
		expect(result.stderr.trim().split("\n")).toHaveLength(1);
		expect(result.stderr).toMatch(/^Error: /);
	});
});
