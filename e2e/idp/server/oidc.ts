import type { DirectoryUser } from "../directory.ts";
import { type Authentication, MockOpenIdProvider, type SigningKey } from "../oidc/provider.ts";
import type { TenantControl } from "./control.ts";
import { MOCK_PASSWORD } from "./kinds.ts";

/** Whether the IdP lets this person sign in at all: enabled and not in the recycle bin. */
function canSignIn(user: DirectoryUser): boolean {
	return user.accountEnabled && user.softDeletedAt === undefined;
}

/**
 * The tenant's OpenID provider: the registered client (Roster) with the redirect URIs the admin pasted,
 * the claims of common.md for the tenant's kind, and the IdP's own refusals. Any person of the directory
 * may sign in (assignment is not required); disabled and soft-deleted people are refused by the IdP.
 */
export function openIdProviderFor(
	control: TenantControl,
	issuer: string,
	signingKey: SigningKey,
): MockOpenIdProvider {
	const { profile, directory } = control;
	const subjectOf = (user: DirectoryUser) => profile.subjectOf(user, control.clientId);
	const bySubject = (sub: string) => {
		for (const user of directory.users.values()) if (subjectOf(user) === sub) return user;
		return undefined;
	};
	return new MockOpenIdProvider({
		issuer,
		signingKey,
		relyingParty: {
			clientId: control.clientId,
			clientSecret: control.clientSecret,
			// Until the admin pastes Roster's callback, a page of this tenant that says so is registered.
			redirectUris:
				control.redirectUris.length > 0 ? control.redirectUris : [`${issuer}/sso/redirect-uri-not-set`],
		},
		scopeClaims: profile.scopeClaims,
		claimsOf(sub) {
			const user = bySubject(sub);
			return user && canSignIn(user) ? profile.claimsOf(user, control.tenantId) : undefined;
		},
		authenticate(username, password): Authentication {
			const user = directory.findByLogin(username);
			if (!user) return { refusal: profile.refusals.unknown(username) };
			if (password !== MOCK_PASSWORD) return { refusal: profile.refusals.wrongPassword };
			if (!canSignIn(user)) return { refusal: profile.refusals.disabled };
			return { accountId: subjectOf(user) };
		},
		interactionUrl: (uid) => `/interaction/${uid}`,
	});
}
