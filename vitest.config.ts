import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["packages/*/test/**/*.test.ts", "apps/server/test/**/*.test.ts", "e2e/idp/**/*.test.ts"],
		testTimeout: 60_000,
		hookTimeout: 120_000,
	},
});
