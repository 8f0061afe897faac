/**
 * The setup guides in `docs/idp/`: one markdown file per IdP, rendered by the console at
 * `/help/idp/{guide}`. The file name is the guide's id (`docs/idp/pingfederate.md`).
 */
export const idpGuides = ["entra", "okta", "pingfederate", "onelogin"] as const;
export type IdpGuide = (typeof idpGuides)[number];

/**
 * The five sections every guide has, as `## ` headings in this order. Their anchors are what the console
 * links to (`/help/idp/okta#single-sign-on`), so the headings are fixed; a test holds every guide to them.
 */
export const guideSections = {
	scim: "SCIM provisioning",
	attributes: "Attribute mappings",
	sso: "Single sign-on",
	verify: "Verify",
	errors: "Common errors",
} as const;
export type GuideSection = keyof typeof guideSections;

/**
 * A heading's anchor id, as GitHub makes it for the same markdown: lower case, spaces to `-`, and every
 * character that is not a letter, digit, `-` or `_` dropped (`"1. Create the token"` → `1-create-the-token`),
 * so a link like `entra.md#single-sign-on` works on GitHub and in the console alike.
 */
export function headingSlug(text: string): string {
	return text
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, "")
		.replace(/\s/g, "-");
}

/** The anchor of one of the five sections (`single-sign-on`). */
export function guideAnchor(section: GuideSection): string {
	return headingSlug(guideSections[section]);
}

/** Whether a path segment names a guide (the console's `/help/idp/$guide` accepts only these). */
export function isIdpGuide(value: string): value is IdpGuide {
	return (idpGuides as readonly string[]).includes(value);
}
