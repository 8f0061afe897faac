import type { IdpGuide } from "@roster/domain/inputs/connections";
import entra from "../../../../../docs/idp/entra.md?raw";
import okta from "../../../../../docs/idp/okta.md?raw";
import onelogin from "../../../../../docs/idp/onelogin.md?raw";
import pingfederate from "../../../../../docs/idp/pingfederate.md?raw";
import index from "../../../../../docs/idp/README.md?raw";

/** A page of `docs/idp/`: its `# ` title (the screen's `<h1>`) and the markdown after it. */
export interface GuideDocument {
	title: string;
	body: string;
}

function guideDocument(markdown: string): GuideDocument {
	const [firstLine = "", ...rest] = markdown.split("\n");
	return { title: firstLine.replace(/^#\s+/, ""), body: rest.join("\n") };
}

/**
 * The guides, bundled at build time from `docs/idp/`: the repository's markdown is the one source, so the
 * console never shows a copy that drifted from it (decision 0188). Each starts with its `# ` title, which the
 * docs test checks.
 */
export const GUIDES: Readonly<Record<IdpGuide, GuideDocument>> = {
	entra: guideDocument(entra),
	okta: guideDocument(okta),
	pingfederate: guideDocument(pingfederate),
	onelogin: guideDocument(onelogin),
};

/** The guide index, `docs/idp/README.md`. */
export const GUIDE_INDEX: GuideDocument = guideDocument(index);
