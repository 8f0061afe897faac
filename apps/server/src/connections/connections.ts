import {
	type Executor,
	type IdpKind,
	isUniqueViolation,
	type Organization,
	type ScimConnection,
	scimConnections,
	scimTokens,
} from "@roster/db";
import { diffFields } from "@roster/domain";
import { idpPresets } from "@roster/domain/inputs/connections";
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { parseSettingsChange } from "../organizations/settings-change.ts";
import {
	compatibilitySetting,
	readConnectionSettings,
	requestsPerSecondSetting,
	userPatchResponseSetting,
} from "./settings.ts";

/** A connection named the way the caller knows it: by name (the CLI's `--name`) or by id (the console). */
export type ConnectionRef = { connectionName: string } | { connectionId: string };

/** Who acts: a CLI operator's name (recorded as `system`) or a console administrator. */
export type ActorInput = string | OperatorActor;

/** The audit actor behind an `ActorInput`. */
export function operatorActor(actor: ActorInput): OperatorActor {
	return typeof actor === "string" ? { type: "system", name: actor } : actor;
}

/** What an operator may change on a connection; stricter than reading, which falls back to defaults. */
const settingsChange = z
	.object({
		compatibility: compatibilitySetting,
		userPatchResponse: userPatchResponseSetting,
		requestsPerSecond: z.coerce.number().pipe(requestsPerSecondSetting),
	})
	.partial();

/** Unvalidated input (CLI flags, the console): every field is checked here. */
export type ConnectionSettingsChange = Partial<Record<keyof z.infer<typeof settingsChange>, unknown>>;

function unknownConnection(organization: Organization, ref: ConnectionRef): OperationError {
	return new OperationError(
		"not_found",
		"connectionName" in ref
			? `Unknown connection "${ref.connectionName}" in organization "${organization.slug}"`
			: "Unknown connection",
	);
}

async function selectConnection(
	db: Executor,
	organization: Organization,
	ref: ConnectionRef,
	lock: boolean,
): Promise<ScimConnection> {
	const query = db
		.select()
		.from(scimConnections)
		.where(
			and(
				eq(scimConnections.orgId, organization.id),
				"connectionName" in ref
					? eq(scimConnections.name, ref.connectionName)
					: eq(scimConnections.id, ref.connectionId),
			),
		)
		.limit(1);
	const [connection] = lock ? await query.for("update") : await query;
	if (!connection) throw unknownConnection(organization, ref);
	return connection;
}

/**
 * The organization's connection `ref` names. Scoped by the organization, so another tenant's connection
 * id is answered exactly like an unknown one (NOT_FOUND).
 */
export function requireConnection(
	db: Executor,
	organization: Organization,
	ref: ConnectionRef,
): Promise<ScimConnection> {
	return selectConnection(db, organization, ref, false);
}

/** `requireConnection`, locked for the caller's transaction (before changing the connection or its tokens). */
export function lockConnection(
	db: Executor,
	organization: Organization,
	ref: ConnectionRef,
): Promise<ScimConnection> {
	return selectConnection(db, organization, ref, true);
}

function duplicateName(name: string): OperationError {
	return new OperationError("conflict", `A connection named "${name}" already exists`);
}

async function nameTaken(db: Executor, organization: Organization, name: string): Promise<boolean> {
	const [found] = await db
		.select({ id: scimConnections.id })
		.from(scimConnections)
		.where(and(eq(scimConnections.orgId, organization.id), eq(scimConnections.name, name)))
		.limit(1);
	return found !== undefined;
}

/**
 * Adds an IdP connection set up with its preset's compatibility profile, PATCH answer and rate limit
 * (each changeable later), audited in the caller's transaction. It has no token yet.
 */
export async function createConnection(
	db: Executor,
	input: { organization: Organization; name: string; idpKind: IdpKind; actor: OperatorActor },
): Promise<ScimConnection> {
	const name = input.name.trim();
	if (name === "") throw new OperationError("invalid", "The connection name must not be empty");
	if (await nameTaken(db, input.organization, name)) throw duplicateName(name);
	const preset = idpPresets[input.idpKind].settings;
	const settings = {
		compatibility: preset.compatibility,
		userPatchResponse: preset.userPatchResponse,
		rateLimit: { requestsPerSecond: preset.requestsPerSecond },
	};
	let connection: ScimConnection | undefined;
	try {
		[connection] = await db
			.insert(scimConnections)
			.values({ orgId: input.organization.id, name, idpKind: input.idpKind, settings })
			.returning();
	} catch (error) {
		if (isUniqueViolation(error)) throw duplicateName(name);
		throw error;
	}
	if (!connection) throw new Error("insert returned no connection");
	await recordOperatorEvents(db, input.organization.id, input.actor, [
		{
			action: "SCIM_CONNECTION_CREATED",
			entityType: "ScimConnection",
			entityId: connection.id,
			entityName: connection.name,
			metadata: { idpKind: connection.idpKind, ...preset },
		},
	]);
	return connection;
}

/** Renames a connection; its tokens keep working (they point at the connection's id). */
export async function renameConnection(
	db: Executor,
	input: { organization: Organization; connectionId: string; name: string; actor: OperatorActor },
): Promise<ScimConnection> {
	const connection = await lockConnection(db, input.organization, { connectionId: input.connectionId });
	const name = input.name.trim();
	if (name === "") throw new OperationError("invalid", "The connection name must not be empty");
	if (name === connection.name) return connection;
	if (await nameTaken(db, input.organization, name)) throw duplicateName(name);
	const [renamed] = await db
		.update(scimConnections)
		.set({ name })
		.where(eq(scimConnections.id, connection.id))
		.returning();
	if (!renamed) throw new Error("connection update returned no row");
	await recordOperatorEvents(db, input.organization.id, input.actor, [
		{
			action: "SCIM_CONNECTION_UPDATED",
			entityType: "ScimConnection",
			entityId: connection.id,
			entityName: name,
			changes: diffFields({ name: connection.name }, { name }),
		},
	]);
	return renamed;
}

/**
 * Deletes a connection and, with it, every token it holds (their requests get 401 at once); its
 * provisioning-log rows stay, without the connection. The operator confirms by typing its name.
 */
export async function deleteConnection(
	db: Executor,
	input: { organization: Organization; connectionId: string; confirmName: string; actor: OperatorActor },
): Promise<{ tokensDeleted: number }> {
	const connection = await lockConnection(db, input.organization, { connectionId: input.connectionId });
	if (input.confirmName.trim() !== connection.name) {
		throw new OperationError("invalid", `Type the connection's name, "${connection.name}", to delete it`);
	}
	const [tokens] = await db
		.select({ total: count() })
		.from(scimTokens)
		.where(eq(scimTokens.connectionId, connection.id));
	await db.delete(scimConnections).where(eq(scimConnections.id, connection.id));
	const tokensDeleted = tokens?.total ?? 0;
	await recordOperatorEvents(db, input.organization.id, input.actor, [
		{
			action: "SCIM_CONNECTION_DELETED",
			entityType: "ScimConnection",
			entityId: connection.id,
			entityName: connection.name,
			metadata: { idpKind: connection.idpKind, tokensDeleted },
		},
	]);
	return { tokensDeleted };
}

/**
 * Changes a SCIM connection's compatibility profile, PATCH answer and per-connection rate limit. Takes effect on
 * the connection's next request (settings are read with its token) and is recorded in the audit log.
 */
export async function configureConnection(
	db: Executor,
	input: {
		organization: Organization;
		change: ConnectionSettingsChange;
		actor: ActorInput;
	} & ConnectionRef,
): Promise<ScimConnection> {
	const change = parseSettingsChange(settingsChange, input.change);
	const connection = await lockConnection(db, input.organization, input);
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
	await recordOperatorEvents(db, input.organization.id, operatorActor(input.actor), [
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
