import type { JsonObject } from "../http.ts";

/** A small client for a mock tenant's JSON control API, for tests and benchmarks. */
export function tenantApi(url: string) {
	return async function call<T = JsonObject>(method: string, path: string, body?: unknown): Promise<T> {
		const init: RequestInit = { method, headers: { "content-type": "application/json" } };
		if (body !== undefined) init.body = JSON.stringify(body);
		const response = await fetch(`${url}/api${path}`, init);
		const value = (await response.json()) as T & { error?: string };
		if (!response.ok) throw new Error(`${method} /api${path} → ${response.status}: ${value.error ?? ""}`);
		return value;
	};
}
