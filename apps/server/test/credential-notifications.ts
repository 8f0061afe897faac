import { CREDENTIALS_CHANNEL, changeFeed, type DatabaseHandle } from "@roster/db";
import { sql } from "drizzle-orm";

/** Polls `condition` every 10 ms until it holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error("condition not reached in time");
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

let markers = 0;

/**
 * Waits until this process has heard every notification committed so far: notifications arrive in commit
 * order, so once a marker (naming no organization) sent after the write arrives, the write's own has been handled. On PGlite that
 * is at once; on PostgreSQL the listener's connection gets it a moment after the writer's commit returns
 * (the race window decision 0194 measures), which a test in the writing process must wait out.
 */
export async function settled(handle: DatabaseHandle): Promise<void> {
	const marker = `marker-${++markers} 0`;
	let heard = false;
	const unsubscribe = changeFeed(handle, CREDENTIALS_CHANNEL).subscribe({
		onNotification: (payload) => {
			if (payload === marker) heard = true;
		},
		onConnectionChange: () => {},
	});
	try {
		await handle.db.execute(sql`select pg_notify(${CREDENTIALS_CHANNEL}, ${marker})`);
		await until(() => heard, 5_000);
	} finally {
		unsubscribe();
	}
}
