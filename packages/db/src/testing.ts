import type { DatabaseHandle } from "./index.ts";

export function createTestDatabase(): Promise<DatabaseHandle> {
	throw new Error("createTestDatabase is not implemented yet");
}
