import type { BenchContext } from "../context.ts";
import { warmThenRun } from "../load.ts";
import { loadRow, type ResultRow } from "../table.ts";

/** The key under which the floor at `clients` is kept for the POST ratio. */
export function floorKey(clients: number): string {
	return `floor@${clients}`;
}

/**
 * The raw PostgreSQL floor: what a SCIM create must at least cost. Each transaction inserts one user
 * row and one audit row (same tables, same indexes and trigger, similar JSON), straight over postgres-js.
 */
export async function floorWorkload(ctx: BenchContext): Promise<ResultRow[]> {
	const { db, options } = ctx;
	const rows: ResultRow[] = [];
	for (const clients of new Set([1, options.clients])) {
		const result = await warmThenRun({
			clients,
			seconds: options.seconds,
			maxOps: options.maxOps,
			operation: async (worker, sequence) => {
				const userName = `floor-${clients}-${worker}-${sequence}@bench.example`;
				await db.sql.begin(async (tx) => {
					const [user] = await tx<{ id: string }[]>`
						insert into users (org_id, user_name, email, display_name, given_name, family_name,
							external_id, connection_id, auth_method, attributes)
						values (${db.orgId}, ${userName}, ${userName}, ${`Floor ${sequence}`}, 'Floor', ${String(sequence)},
							${`ext-${userName}`}, ${db.connectionId}, 'SCIM',
							${tx.json({ "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Benchmarks" } })})
						returning id`;
					if (!user) throw new Error("floor insert returned no row");
					await tx`
						insert into audit_events (org_id, actor_type, actor_id, actor_name, action, entity_type,
							entity_id, entity_name, changes, metadata)
						values (${db.orgId}, 'scim_connection', ${db.connectionId}, 'bench', 'SCIM_USER_PROVISIONED', 'User',
							${user.id}, ${userName},
							${tx.json({ userName: { old: null, new: userName }, email: { old: null, new: userName } })},
							${tx.json({ requestId: `floor-${worker}-${sequence}`, ip: "127.0.0.1", userAgent: null })})`;
				});
			},
		});
		ctx.measured.set(floorKey(clients), result);
		rows.push(loadRow("raw PostgreSQL floor (user + audit tx)", result, "baseline"));
	}
	return rows;
}
