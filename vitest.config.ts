import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["packages/*/test/**/*.test.ts", "apps/server/test/**/*.test.ts", "e2e/idp/**/*.test.ts"],
		// Test files share each worker's modules: a file then costs its tests, not a fresh module graph
		// (decision 0223). Each still opens its own database; nothing else may leak between files.
		isolate: false,
		testTimeout: 60_000,
		hookTimeout: 120_000,
	},
});
