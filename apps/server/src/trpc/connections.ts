import {
	configureConnectionInput,
	connectionIdInput,
	createConnectionInput,
	deleteConnectionInput,
	expiringTokensInput,
	listTokensInput,
	mintTokenInput,
	renameConnectionInput,
	rotateTokenInput,
	setScimEnabledInput,
	setTokenExpiryInput,
	testConnectionInput,
	tokenIdInput,
} from "@roster/domain/inputs/connections";
import type { TRPCRouterRecord } from "@trpc/server";
import { getConnection, listConnections } from "../connections/connection-views.ts";
import {
	configureConnection,
	createConnection,
	deleteConnection,
	renameConnection,
} from "../connections/connections.ts";
import {
	mintScimToken,
	revokeScimToken,
	rotateScimToken,
	setScimTokenExpiry,
} from "../connections/scim-tokens.ts";
import { testConnection } from "../connections/test-connection.ts";
import { expiringTokens, listConnectionTokens, tokenView } from "../connections/token-views.ts";
import { configureOrganization } from "../organizations/settings.ts";
import { adminProcedure } from "./trpc.ts";

/** A connection row as the console needs it after a write: its id and name (the detail is re-read). */
function connectionSummary(connection: { id: string; name: string; idpKind: string }) {
	return { id: connection.id, name: connection.name, idpKind: connection.idpKind };
}

/**
 * SSO & provisioning: IdP connections, their tokens, presets and health. Every write is one transaction
 * with its audit record; tokens are answered by prefix only, except the one-time plaintext of a mint or
 * rotation.
 */
export const connectionsRouter = {
	list: adminProcedure.query(({ ctx }) => listConnections(ctx.db, ctx.organization)),

	get: adminProcedure
		.input(connectionIdInput)
		.query(({ ctx, input }) => getConnection(ctx.db, { organization: ctx.organization, ...input })),

	create: adminProcedure
		.input(createConnectionInput)
		.mutation(async ({ ctx, input }) =>
			connectionSummary(
				await ctx.db.transaction((tx) =>
					createConnection(tx, { organization: ctx.organization, ...input, actor: ctx.actor }),
				),
			),
		),

	rename: adminProcedure
		.input(renameConnectionInput)
		.mutation(async ({ ctx, input }) =>
			connectionSummary(
				await ctx.db.transaction((tx) =>
					renameConnection(tx, { organization: ctx.organization, ...input, actor: ctx.actor }),
				),
			),
		),

	delete: adminProcedure
		.input(deleteConnectionInput)
		.mutation(({ ctx, input }) =>
			ctx.db.transaction((tx) =>
				deleteConnection(tx, { organization: ctx.organization, ...input, actor: ctx.actor }),
			),
		),

	configure: adminProcedure.input(configureConnectionInput).mutation(async ({ ctx, input }) => {
		const { connectionId, ...change } = input;
		const updated = await ctx.db.transaction((tx) =>
			configureConnection(tx, { organization: ctx.organization, connectionId, change, actor: ctx.actor }),
		);
		return { ...connectionSummary(updated), settings: updated.settings };
	}),

	tokens: adminProcedure
		.input(listTokensInput)
		.query(({ ctx, input }) => listConnectionTokens(ctx.db, { organization: ctx.organization, ...input })),

	/** The one answer that carries a token's plaintext; it is never stored or shown again. */
	mintToken: adminProcedure.input(mintTokenInput).mutation(async ({ ctx, input }) => {
		const created = await ctx.db.transaction((tx) =>
			mintScimToken(tx, {
				organization: ctx.organization,
				...input,
				actor: ctx.actor,
				secret: ctx.config.secret,
			}),
		);
		return { token: created.token, tokenInfo: tokenView(created.row, null, new Date()) };
	}),

	/** Issues the successor (shown once) and keeps the old token working for the overlap. */
	rotateToken: adminProcedure.input(rotateTokenInput).mutation(async ({ ctx, input }) => {
		const rotated = await ctx.db.transaction((tx) =>
			rotateScimToken(tx, {
				organization: ctx.organization,
				...input,
				actor: ctx.actor,
				secret: ctx.config.secret,
			}),
		);
		const now = new Date();
		const previous = { id: rotated.previous.id, prefix: rotated.previous.prefix };
		return {
			token: rotated.token,
			tokenInfo: tokenView(rotated.row, previous, now),
			previous: tokenView(rotated.previous, null, now),
		};
	}),

	setTokenExpiry: adminProcedure.input(setTokenExpiryInput).mutation(async ({ ctx, input }) => {
		const updated = await ctx.db.transaction((tx) =>
			setScimTokenExpiry(tx, { organization: ctx.organization, ...input, actor: ctx.actor }),
		);
		return tokenView(updated, null, new Date());
	}),

	revokeToken: adminProcedure.input(tokenIdInput).mutation(async ({ ctx, input }) => {
		const revoked = await ctx.db.transaction((tx) =>
			revokeScimToken(tx, { organization: ctx.organization, ...input, actor: ctx.actor }),
		);
		return tokenView(revoked, null, new Date());
	}),

	/** Live tokens that expire soon, for the connections list and the dashboard. */
	expiringTokens: adminProcedure
		.input(expiringTokensInput)
		.query(({ ctx, input }) => expiringTokens(ctx.db, { organization: ctx.organization, ...input })),

	/** A real SCIM round trip with the given token; read-only, so it writes only provisioning-log rows. */
	test: adminProcedure.input(testConnectionInput).mutation(({ ctx, input }) =>
		testConnection(ctx.db, {
			organization: ctx.organization,
			...input,
			secret: ctx.config.secret,
			loopback: ctx.scimLoopback,
		}),
	),

	/** Turns SCIM on or off for the whole organization: off, every SCIM request of its tokens gets 404. */
	setScimEnabled: adminProcedure.input(setScimEnabledInput).mutation(async ({ ctx, input }) => {
		const result = await configureOrganization(ctx.db, {
			organization: ctx.organization,
			change: { scimEnabled: input.enabled },
			actor: ctx.actor,
		});
		return { scimEnabled: result.organization.scimEnabled };
	}),
} satisfies TRPCRouterRecord;
