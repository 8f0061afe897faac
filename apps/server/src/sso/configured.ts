import type { Executor, Organization, SsoSettings } from "@roster/db";
import { issuerProblem } from "@roster/domain/inputs/sso";
import type * as oidc from "openid-client";
import type { Logger } from "../logger.ts";
import { findOrganizationBySlug, isValidSlug } from "../organizations/organizations.ts";
import { DecryptionError } from "../security/encryption.ts";
import { type DiscoveryCache, discoverRelyingParty } from "./discovery.ts";
import { openClientSecret, readSsoSettings } from "./settings.ts";

/** What single sign-on needs from the server: the database, ROSTER_SECRET, a logger, the discovery cache. */
export interface SsoDeps {
	db: Executor;
	secret: string;
	logger: Logger;
	discovery: DiscoveryCache;
}

/** An organization whose single sign-on is on and complete, with its client secret opened. */
export interface Configured {
	organization: Organization;
	settings: SsoSettings;
	clientSecret: string;
}

/**
 * The organization behind a slug with single sign-on on and complete, or undefined: an unknown slug, a
 * malformed one and one whose single sign-on is off all look alike, so nobody learns which exist.
 */
export async function configuredOrganization(deps: SsoDeps, slug: string): Promise<Configured | undefined> {
	if (!isValidSlug(slug)) return undefined;
	const organization = await findOrganizationBySlug(deps.db, slug);
	if (!organization) return undefined;
	const settings = await readSsoSettings(deps.db, organization.id);
	if (!settings?.enabled || settings.clientId === "" || issuerProblem(settings.issuer)) return undefined;
	try {
		const clientSecret = openClientSecret(settings, deps.secret);
		return clientSecret ? { organization, settings, clientSecret } : undefined;
	} catch (error) {
		if (!(error instanceof DecryptionError)) throw error;
		deps.logger.error(
			{ org: organization.slug },
			"the single sign-on client secret cannot be opened (was ROSTER_SECRET changed?): save it again in Settings",
		);
		return undefined;
	}
}

/** The organization's IdP as openid-client knows it, discovered at most once per cache lifetime. */
export function configurationOf(deps: SsoDeps, configured: Configured): Promise<oidc.Configuration> {
	const { organization, settings, clientSecret } = configured;
	return deps.discovery.configurationFor(
		{
			orgId: organization.id,
			issuer: settings.issuer,
			clientId: settings.clientId,
			version: settings.version,
		},
		() => discoverRelyingParty({ issuer: settings.issuer, clientId: settings.clientId, clientSecret }),
	);
}
