import { guideAnchor, guideSections, type IdpGuide } from "@roster/domain/inputs/connections";
import { Link, useLocation } from "@tanstack/react-router";
import { useEffect } from "react";
import { Page } from "../../ui/page.tsx";
import { GuideMarkdown } from "./GuideMarkdown.tsx";
import { GUIDE_INDEX, GUIDES } from "./guides.ts";

/**
 * Scrolls to the address's `#anchor` once the guide is on screen. The router scrolls on navigation, but on
 * a first visit the signed-in frame waits for the session check, and the heading is not there yet.
 */
function useScrollToAnchorOnArrival(): void {
	const { hash } = useLocation();
	// Only on arrival: later anchors (links, back and forward) are scrolled by the router.
	useEffect(() => {
		if (hash) document.getElementById(decodeURIComponent(hash))?.scrollIntoView();
	}, []);
}

const linkStyle = "font-medium text-accent-700 underline underline-offset-2 hover:text-accent-800";

/** The five sections every guide has, as in-page links. */
function SectionLinks() {
	return (
		<nav aria-label="On this page" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
			<h2 className="font-semibold text-slate-900">On this page</h2>
			<ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1">
				{(Object.keys(guideSections) as (keyof typeof guideSections)[]).map((section) => (
					<li key={section}>
						<Link to="." hash={guideAnchor(section)} className={linkStyle}>
							{guideSections[section]}
						</Link>
					</li>
				))}
			</ul>
		</nav>
	);
}

function AllGuidesLink() {
	return (
		<Link to="/help/idp" className={linkStyle}>
			All setup guides
		</Link>
	);
}

/** One IdP's setup guide, from `docs/idp/<guide>.md`. */
export function GuidePage({ guide }: { guide: IdpGuide }) {
	useScrollToAnchorOnArrival();
	const { title, body } = GUIDES[guide];
	return (
		<Page title={title} description={<AllGuidesLink />}>
			<SectionLinks />
			<div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
				<GuideMarkdown markdown={body} />
			</div>
		</Page>
	);
}

/** The guide index, from `docs/idp/README.md`: what every IdP shares, and a link to each guide. */
export function GuidesIndexPage() {
	useScrollToAnchorOnArrival();
	return (
		<Page title={GUIDE_INDEX.title}>
			<div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
				<GuideMarkdown markdown={GUIDE_INDEX.body} />
			</div>
		</Page>
	);
}
