/** The SQLSTATE of a failed query, looked up through Drizzle's wrapper on both drivers. */
export async function sqlState(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		let current: unknown = error;
		while (current instanceof Error) {
			const code = (current as { code?: unknown }).code;
			if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
			current = current.cause;
		}
		throw error;
	}
	throw new Error("expected the query to fail");
}
