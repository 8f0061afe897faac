import {
	type GuideSection,
	guideAnchor,
	guidePath,
	guideSections,
	type IdpKind,
	idpPresets,
} from "@roster/domain/inputs/connections";
import { Link } from "@tanstack/react-router";

/**
 * A link to an IdP's setup guide, or to one of its five sections ("Okta guide: Verify"); nothing for an IdP
 * without a guide (generic SCIM clients). Each link names its target, so several on one page stay distinct.
 */
export function GuideLink({ idpKind, section }: { idpKind: IdpKind; section?: GuideSection }) {
	const { guide, label } = idpPresets[idpKind];
	if (!guide) return null;
	return (
		<Link
			to={guidePath(guide)}
			hash={section ? guideAnchor(section) : undefined}
			className="text-sm font-medium text-accent-700 underline underline-offset-2 hover:text-accent-800"
		>
			{section ? `${label} guide: ${guideSections[section]}` : `Setup guide for ${label}`}
		</Link>
	);
}
