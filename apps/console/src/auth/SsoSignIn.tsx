import { type FormEvent, useState } from "react";
import { Button } from "../ui/button.tsx";
import { Field, TextInput } from "../ui/field.tsx";

const REMEMBERED = "roster.ssoOrganization";

/** Where single sign-on for `organization` begins, coming back to `next` once signed in. */
export function ssoStartUrl(organization: string, next: string | undefined): string {
	const query = next ? `?next=${encodeURIComponent(next)}` : "";
	return `/auth/sso/${encodeURIComponent(organization)}${query}`;
}

/**
 * "Sign in with single sign-on": the organization's short name, then off to its identity provider (a
 * full-page navigation: the IdP's page is not ours). The name is remembered in this browser.
 */
export function SsoSignIn({ next }: { next: string | undefined }) {
	const [organization, setOrganization] = useState(() => localStorage.getItem(REMEMBERED) ?? "");
	const [error, setError] = useState<string>();

	function submit(event: FormEvent) {
		event.preventDefault();
		const slug = organization.trim().toLowerCase();
		if (slug === "") {
			setError("Enter your organization's short name");
			return;
		}
		localStorage.setItem(REMEMBERED, slug);
		window.location.assign(ssoStartUrl(slug, next));
	}

	return (
		<form className="flex flex-col gap-4" onSubmit={submit} noValidate aria-label="Single sign-on">
			<Field label="Organization" error={error} hint="The short name your administrator gave you, e.g. acme.">
				{(control) => (
					<TextInput
						{...control}
						name="organization"
						autoComplete="organization"
						autoCapitalize="none"
						spellCheck={false}
						value={organization}
						onChange={(event) => {
							setOrganization(event.target.value);
							setError(undefined);
						}}
					/>
				)}
			</Field>
			<Button type="submit">Sign in with single sign-on</Button>
		</form>
	);
}
