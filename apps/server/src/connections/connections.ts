import type { Executor } from "@roster/db";
import { type Organization, type ScimConnection, scimConnections } from "@roster/db";
import { diffFields } from "@roster/domain";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { parseSettingsChange } from "../organizations/settings-change.ts";
import {
	compatibilitySetting,
	readConnectionSettings,
	requestsPerSecondSetting,
	userPatchResponseSetting,
} from "./settings.ts";

/** What an operator may change on a connection; stricter than reading, which falls back to defaults. */
const settingsChange = z
	.object({
		compatibility: compatibilitySetting,
		userPatchResponse: userPatchResponseSetting,
		requestsPerSecond: z.coerce.number().pipe(requestsPerSecondSetting),
	})
	.partial();

/** Unvalidated input (CLI flags, later the console): every field is checked here. */
export type ConnectionSettingsChange = Partial<Record<keyof z.infer<typeof settingsChange>, unknown>>;

/**
 * Changes a SCIM connection's compatibility profile, PATCH answer and per-connection rate limit. Takes effect on
 * the connection's next request (settings are read with its token) and is recorded in the audit log.
 */
export async function configureConnection(
	db: Executor,
	input: {
		organization: Organization;
		connectionName: string;
		change: ConnectionSettingsChange;
		actor: string;
	},
): Promise<ScimConnection> {
	const change = parseSettingsChange(settingsChange, input.change);
	const [connection] = await db
		.select()
		.from(scimConnections)
		.where(
			and(eq(scimConnections.orgId, input.organization.id), eq(scimConnections.name, input.connectionName)),
		)
		.for("update");
	if (!connection) {
		throw new OperationError(
			"not_found",
			`Unknown connection "${input.connectionName}" in organization "${input.organization.slug}"`,
		);
	}
	const before = readConnectionSettings(connection.settings);
	const after = {
		compatibility: change.compatibility ?? before.compatibility,
		userPatchResponse: change.userPatchResponse ?? before.userPatchResponse,
		rateLimit: { requestsPerSecond: change.requestsPerSecond ?? before.rateLimit.requestsPerSecond },
	};
	const [updated] = await db
		.update(scimConnections)
		.set({ settings: after })
		.where(eq(scimConnections.id, connection.id))
		.returning();
	if (!updated) throw new Error("connection update returned no row");
	await recordOperatorEvents(db, input.organization.id, { type: "system", name: input.actor }, [
		{
			action: "SCIM_CONNECTION_UPDATED",
			entityType: "ScimConnection",
			entityId: connection.id,
			entityName: connection.name,
			changes: diffFields(
				{ ...before, rateLimit: before.rateLimit.requestsPerSecond },
				{ ...after, rateLimit: after.rateLimit.requestsPerSecond },
			),
		},
	]);
	return updated;
}
