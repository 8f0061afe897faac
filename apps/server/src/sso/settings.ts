import { type Executor, type Organization, type SsoSettings, ssoSettings } from "@roster/db";
import { diffFields } from "@roster/domain";
import { DEFAULT_MATCH_CLAIM, type SsoMatchAttribute, ssoSettingsInput } from "@roster/domain/inputs/sso";
import { eq } from "drizzle-orm";
import { type OperatorActor, recordOperatorEvents } from "../audit/operator-events.ts";
import { OperationError } from "../operation-error.ts";
import { decrypt, encrypt } from "../security/encryption.ts";
import { ssoKeyring } from "./keyring.ts";

/** What the console shows of an organization's single sign-on: everything but the secret, which it only says is set. */
export interface SsoSettingsView {
	enabled: boolean;
	issuer: string;
	clientId: string;
	clientSecretSet: boolean;
	matchAttribute: SsoMatchAttribute;
	matchClaim: string;
	updatedAt: string | null;
}

/** The redirect URI to register at the IdP: Roster's public origin, then the organization's callback path. */
export function ssoRedirectUri(origin: string, slug: string): string {
	return `${origin}/auth/sso/${encodeURIComponent(slug)}/callback`;
}

/** The stored configuration of an organization, or undefined before its first save. */
export async function readSsoSettings(db: Executor, orgId: string): Promise<SsoSettings | undefined> {
	const [row] = await db.select().from(ssoSettings).where(eq(ssoSettings.orgId, orgId)).limit(1);
	return row;
}

/** The view of a stored configuration; before the first save, single sign-on is off and matches by userName. */
export function ssoSettingsView(row: SsoSettings | undefined): SsoSettingsView {
	return {
		enabled: row?.enabled ?? false,
		issuer: row?.issuer ?? "",
		clientId: row?.clientId ?? "",
		clientSecretSet: Boolean(row?.clientSecretSealed),
		matchAttribute: row?.matchAttribute ?? "userName",
		matchClaim: row?.matchClaim ?? DEFAULT_MATCH_CLAIM.userName,
		updatedAt: row?.updatedAt.toISOString() ?? null,
	};
}

/** The stored client secret in clear, for the token request only; never shown, logged or audited. */
export function openClientSecret(row: SsoSettings, secret: string): string | undefined {
	return row.clientSecretSealed ? decrypt(row.clientSecretSealed, ssoKeyring(secret)) : undefined;
}

/**
 * Saves an organization's single sign-on in one audited transaction (`SSO_SETTINGS_CHANGED`, whose changes
 * say only whether the secret was replaced). A given secret replaces the stored one, sealed; an omitted or
 * empty one keeps it. Single sign-on cannot be turned on without a secret. Every save that changes something
 * bumps the settings' version, which drops cached discovery and sign-ins begun before it.
 */
export async function saveSsoSettings(
	db: Executor,
	input: { organization: Organization; change: unknown; actor: OperatorActor; secret: string },
): Promise<SsoSettingsView> {
	const parsed = ssoSettingsInput.safeParse(input.change);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new OperationError("invalid", `Invalid ${String(issue?.path[0] ?? "setting")}: ${issue?.message}`);
	}
	const { clientSecret, ...fields } = parsed.data;
	const newSecret = clientSecret === undefined || clientSecret === "" ? undefined : clientSecret;
	return db.transaction(async (tx) => {
		const [before] = await tx
			.select()
			.from(ssoSettings)
			.where(eq(ssoSettings.orgId, input.organization.id))
			.for("update");
		const hadSecret = Boolean(before?.clientSecretSealed);
		if (fields.enabled && !hadSecret && newSecret === undefined) {
			throw new OperationError("invalid", "Set the client secret to turn single sign-on on");
		}
		const current = ssoSettingsView(before);
		const changes = diffFields(
			{
				enabled: current.enabled,
				issuer: current.issuer,
				clientId: current.clientId,
				matchAttribute: current.matchAttribute,
				matchClaim: current.matchClaim,
			},
			fields,
		);
		if (newSecret !== undefined) {
			changes.clientSecret = { old: hadSecret ? "set" : "not set", new: hadSecret ? "replaced" : "set" };
		}
		if (before && Object.keys(changes).length === 0) return current;
		const values = {
			...fields,
			...(newSecret === undefined
				? {}
				: { clientSecretSealed: encrypt(newSecret, ssoKeyring(input.secret)) }),
		};
		const [saved] = await tx
			.insert(ssoSettings)
			.values({ orgId: input.organization.id, ...values })
			.onConflictDoUpdate({
				target: ssoSettings.orgId,
				set: { ...values, version: (before?.version ?? 0) + 1, updatedAt: new Date() },
			})
			.returning();
		if (!saved) throw new Error("sso settings upsert returned no row");
		await recordOperatorEvents(tx, input.organization.id, input.actor, [
			{
				action: "SSO_SETTINGS_CHANGED",
				entityType: "Organization",
				entityId: input.organization.id,
				entityName: input.organization.slug,
				changes,
			},
		]);
		return ssoSettingsView(saved);
	});
}
