import { checkIssuerInput, ssoSettingsInput } from "@roster/domain/inputs/sso";
import type { TRPCRouterRecord } from "@trpc/server";
import { checkIssuer } from "../sso/discovery.ts";
import { readSsoSettings, saveSsoSettings, ssoRedirectUri, ssoSettingsView } from "../sso/settings.ts";
import { adminProcedure } from "./trpc.ts";

/** The administrator's organization's single sign-on: its settings, the redirect URI to register, a discovery check. */
export const ssoRouter = {
	/**
	 * The settings (the client secret only as "set" or not) and the redirect URI to paste at the IdP, built
	 * from `PUBLIC_URL` or else the origin this console is reached at.
	 */
	get: adminProcedure.query(async ({ ctx }) => ({
		...ssoSettingsView(await readSsoSettings(ctx.db, ctx.organization.id)),
		redirectUri: ssoRedirectUri(ctx.config.publicUrl ?? ctx.client.origin, ctx.organization.slug),
	})),

	/** Saves the settings in one audited transaction; an omitted or empty secret keeps the stored one. */
	save: adminProcedure.input(ssoSettingsInput).mutation(({ ctx, input }) =>
		saveSsoSettings(ctx.db, {
			organization: ctx.organization,
			change: input,
			actor: ctx.actor,
			secret: ctx.config.secret,
		}),
	),

	/** Discovers the issuer typed in the form and reports its endpoints, or what went wrong in plain words. */
	checkIssuer: adminProcedure.input(checkIssuerInput).mutation(({ input }) => checkIssuer(input.issuer)),
} satisfies TRPCRouterRecord;
