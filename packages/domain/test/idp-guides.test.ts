import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
	guideAnchor,
	guideLinkHref,
	guidePath,
	guideSections,
	headingSlug,
	idpGuides,
	idpKinds,
	idpPresets,
} from "../src/inputs/connections.ts";

const docsDir = fileURLToPath(new URL("../../../docs/idp/", import.meta.url));

interface Heading {
	level: number;
	text: string;
}

/** A guide as the tests need it: headings and link targets, with fenced code and code spans left out. */
function readGuide(file: string): { headings: Heading[]; links: string[] } {
	const prose: string[] = [];
	let fenced = false;
	for (const line of readFileSync(`${docsDir}${file}`, "utf8").split("\n")) {
		if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
		else if (!fenced) prose.push(line);
	}
	const headings = prose.flatMap((line) => {
		const match = /^(#{1,6})\s+(.+?)\s*#*$/.exec(line);
		return match?.[1] && match[2] ? [{ level: match[1].length, text: match[2] }] : [];
	});
	const text = prose.join("\n").replace(/`[^`\n]*`/g, "");
	const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].flatMap((match) => (match[1] ? [match[1]] : []));
	return { headings, links };
}

const markdownFiles = readdirSync(docsDir).filter((name) => name.endsWith(".md"));

describe("docs/idp guides", () => {
	it("has the index and one guide per IdP guide id, nothing else", () => {
		expect(markdownFiles.sort()).toEqual(["README.md", ...idpGuides.map((guide) => `${guide}.md`)].sort());
	});

	it.each(markdownFiles)("%s starts with its title, the console's <h1>", (file) => {
		expect(readFileSync(`${docsDir}${file}`, "utf8")).toMatch(/^# \S/);
	});

	it.each(idpGuides)("%s has one title, then exactly the five sections in order", (guide) => {
		const { headings } = readGuide(`${guide}.md`);
		expect(headings.filter((heading) => heading.level === 1)).toHaveLength(1);
		expect(headings.filter((heading) => heading.level === 2).map((heading) => heading.text)).toEqual(
			Object.values(guideSections),
		);
	});

	it.each(markdownFiles)("%s gives every heading its own anchor", (file) => {
		const slugs = readGuide(file).headings.map((heading) => headingSlug(heading.text));
		expect(slugs.filter((slug, index) => slugs.indexOf(slug) !== index)).toEqual([]);
	});

	it.each(markdownFiles)("%s links only to files and anchors that exist in docs/idp", (file) => {
		const broken = readGuide(file).links.filter((link) => {
			if (/^https?:/.test(link)) return false;
			if (guideLinkHref(link) === null) return true;
			const [target = "", anchor] = link.split("#", 2);
			const targetFile = target === "" ? file : target;
			if (!existsSync(`${docsDir}${targetFile}`)) return true;
			return (
				anchor !== undefined &&
				!readGuide(targetFile).headings.some((heading) => headingSlug(heading.text) === anchor)
			);
		});
		expect(broken).toEqual([]);
	});

	it("the index links to every guide", () => {
		const links = readGuide("README.md").links;
		for (const guide of idpGuides) expect(links).toContain(`${guide}.md`);
	});

	it("every IdP preset but the generic client names a guide", () => {
		expect(idpKinds.filter((kind) => idpPresets[kind].guide === null)).toEqual(["generic"]);
	});
});

describe("headingSlug", () => {
	it.each([
		["SCIM provisioning", "scim-provisioning"],
		["Common errors", "common-errors"],
		["1. Make the connection and its token in Roster", "1-make-the-connection-and-its-token-in-roster"],
		["Groups to roles in Roster (recommended)", "groups-to-roles-in-roster-recommended"],
		["The `aadOptscim062020` flag", "the-aadoptscim062020-flag"],
		["3a. Custom app (App Integration Wizard)", "3a-custom-app-app-integration-wizard"],
		["What Entra sends, and when", "what-entra-sends-and-when"],
		["snake_case and dash-case", "snake_case-and-dash-case"],
	])("%s → %s", (text, slug) => {
		expect(headingSlug(text)).toBe(slug);
	});

	it("gives the five sections the anchors the console links to", () => {
		expect(
			Object.keys(guideSections).map((section) => guideAnchor(section as keyof typeof guideSections)),
		).toEqual(["scim-provisioning", "attribute-mappings", "single-sign-on", "verify", "common-errors"]);
	});
});

describe("guideLinkHref", () => {
	it.each([
		["okta.md", "/help/idp/okta"],
		["okta.md#single-sign-on", "/help/idp/okta#single-sign-on"],
		["./pingfederate.md#verify", "/help/idp/pingfederate#verify"],
		["README.md#try-it-locally", "/help/idp#try-it-locally"],
		["#common-errors", "#common-errors"],
		["https://learn.microsoft.com/entra/", "https://learn.microsoft.com/entra/"],
		["../decisions/0115-local-users-and-scim-ownership.md", null],
		["generic.md", null],
		["okta", null],
	])("%s → %s", (href, expected) => {
		expect(guideLinkHref(href)).toBe(expected);
	});

	it("uses the console's guide addresses", () => {
		expect(guidePath()).toBe("/help/idp");
		expect(idpGuides.map((guide) => guidePath(guide))).toEqual([
			"/help/idp/entra",
			"/help/idp/okta",
			"/help/idp/pingfederate",
			"/help/idp/onelogin",
		]);
	});
});
