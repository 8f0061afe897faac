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

/** The console address of a guide (`/help/idp/okta`), or of the index (`docs/idp/README.md`) without one. */
export function guidePath(): "/help/idp";
export function guidePath<G extends IdpGuide>(guide: G): `/help/idp/${G}`;
export function guidePath(guide?: IdpGuide): string {
	return guide ? `/help/idp/${guide}` : "/help/idp";
}

/** The console page of a file in `docs/idp/`: the index for `README.md`, a guide for `<guide>.md`. */
function guideFilePath(file: string): string | null {
	if (file === "README.md") return guidePath();
	const name = file.endsWith(".md") ? file.slice(0, -".md".length) : "";
	return isIdpGuide(name) ? guidePath(name) : null;
}

/**
 * Where a link written in a guide leads in the console. The guides link to each other the way GitHub reads
 * them (`okta.md#single-sign-on`, `README.md`), so the same markdown works in the repository and in the
 * console: those become console addresses; in-page anchors and absolute URLs stay as written. `null` for a
 * relative link to anything else, which the console could not show (the docs test refuses those).
 */
export function guideLinkHref(href: string): string | null {
	if (href.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
	const [file = "", hash] = href.split("#", 2);
	const page = guideFilePath(file.replace(/^\.\//, ""));
	if (page === null) return null;
	return hash ? `${page}#${hash}` : page;
}
