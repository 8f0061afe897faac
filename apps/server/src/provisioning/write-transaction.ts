import { type Transaction, violatedUniqueConstraint } from "@roster/db";
import { ScimError } from "@roster/scim";
import { abandonIfGone } from "./client-gone.ts";
import type { ScimContext } from "./context.ts";
import { rethrowAsScimError } from "./db-errors.ts";

/**
 * Runs one IdP write in its own transaction, unless the client has already gone. A violated unique
 * constraint named in `uniqueness` becomes 409 uniqueness with its message; values PostgreSQL cannot store
 * become 400 (`rethrowAsScimError`); SCIM errors thrown by the work pass unchanged.
 */
export async function writeTransaction<T>(
	ctx: ScimContext,
	work: (tx: Transaction) => Promise<T>,
	uniqueness: ReadonlyMap<string, string>,
): Promise<T> {
	try {
		abandonIfGone(ctx.signal);
		return await ctx.db.transaction(work);
	} catch (error) {
		if (error instanceof ScimError) throw error;
		const constraint = violatedUniqueConstraint(error);
		const message = constraint === undefined ? undefined : uniqueness.get(constraint);
		if (message !== undefined) throw new ScimError(409, "uniqueness", message);
		rethrowAsScimError(error);
	}
}
