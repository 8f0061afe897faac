import { guideLinkHref, headingSlug } from "@roster/domain/inputs/connections";
import { useNavigate } from "@tanstack/react-router";
import type { ComponentProps, MouseEvent } from "react";
import Markdown, { type Components, type ExtraProps } from "react-markdown";
import remarkGfm from "remark-gfm";
import { CopyButton } from "../../ui/copy-button.tsx";
import { ScrollRegion } from "../../ui/scroll-region.tsx";
import { TABLE_STYLES } from "../../ui/table-styles.ts";

/** The part of a hast node this screen reads: its text, and its children's. */
interface HastNode {
	type: string;
	tagName?: string;
	value?: string;
	children?: HastNode[];
}

function textOf(node: HastNode | undefined): string {
	if (!node) return "";
	if (node.type === "text") return node.value ?? "";
	return (node.children ?? []).map(textOf).join("");
}

/** The header cells of a table, which name its scroll region. */
function headerTexts(node: HastNode | undefined): string[] {
	const thead = node?.children?.find((child) => child.tagName === "thead");
	return (thead?.children?.find((child) => child.type === "element")?.children ?? [])
		.filter((cell) => cell.type === "element")
		.map(textOf);
}

/** A plain left click, which the console routes itself; modified clicks keep the browser's meaning (new tab). */
function isPlainClick(event: MouseEvent): boolean {
	return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/**
 * A link in a guide. Links between guides (`okta.md#verify`) and in-page anchors go through the console's
 * router, so they stay in the signed-in frame and land on their heading; absolute URLs are ordinary links.
 */
function GuideAnchor({ href = "", children }: ComponentProps<"a"> & ExtraProps) {
	const navigate = useNavigate();
	const target = guideLinkHref(href) ?? href;
	const internal = target.startsWith("/") || target.startsWith("#");
	const to = target.startsWith("#") ? `${window.location.pathname}${target}` : target;
	return (
		<a
			href={to}
			className="font-medium text-accent-700 underline underline-offset-2 hover:text-accent-800"
			onClick={(event) => {
				if (!internal || !isPlainClick(event)) return;
				event.preventDefault();
				void navigate({ href: to });
			}}
		>
			{children}
		</a>
	);
}

/** A fenced code block, wrapped rather than scrolled, with a button that copies exactly its text. */
function CodeBlock({ node, children }: ComponentProps<"pre"> & ExtraProps) {
	const text = textOf(node).replace(/\n$/, "");
	return (
		<div className="my-3 flex items-start gap-2 rounded-md border border-slate-200 bg-slate-50 p-2">
			<pre className="min-w-0 flex-1 overflow-hidden px-1 py-1 text-sm break-words whitespace-pre-wrap text-slate-900">
				{children}
			</pre>
			<CopyButton text={text} />
		</div>
	);
}

function GuideTable({ node, children }: ComponentProps<"table"> & ExtraProps) {
	return (
		<ScrollRegion label={`Table: ${headerTexts(node).join(", ")}`} className="my-3">
			<table className="w-full border-collapse text-left text-sm">{children}</table>
		</ScrollRegion>
	);
}

const headingStyles = {
	h2: "mt-8 border-b border-slate-200 pb-1 text-xl font-semibold text-slate-900",
	h3: "mt-6 text-base font-semibold text-slate-900",
	h4: "mt-4 text-sm font-semibold text-slate-900",
} as const;

/** A heading with the anchor id GitHub gives it, so `#single-sign-on` deep-links in both places. */
function heading(Tag: keyof typeof headingStyles) {
	return function GuideHeading({ node, children }: ComponentProps<typeof Tag> & ExtraProps) {
		return (
			<Tag id={headingSlug(textOf(node))} className={`scroll-mt-4 ${headingStyles[Tag]}`}>
				{children}
			</Tag>
		);
	};
}

const COMPONENTS: Components = {
	h2: heading("h2"),
	h3: heading("h3"),
	h4: heading("h4"),
	a: GuideAnchor,
	pre: CodeBlock,
	table: GuideTable,
	thead: ({ children }) => <thead className={TABLE_STYLES.head}>{children}</thead>,
	tr: ({ children }) => <tr className={TABLE_STYLES.row}>{children}</tr>,
	// Prose columns keep a readable width on a phone; the table's region scrolls instead.
	th: ({ children }) => (
		<th scope="col" className={`${TABLE_STYLES.headerCell} min-w-36`}>
			{children}
		</th>
	),
	td: ({ children }) => <td className={`${TABLE_STYLES.cell} min-w-36`}>{children}</td>,
	p: ({ children }) => <p className="my-3">{children}</p>,
	ul: ({ children }) => <ul className="my-3 list-disc space-y-1.5 pl-5">{children}</ul>,
	ol: ({ children }) => <ol className="my-3 list-decimal space-y-1.5 pl-5">{children}</ol>,
};

/**
 * Markdown from `docs/idp/` as console content: GitHub-flavoured (tables), headings with anchor ids, code
 * blocks with a copy button, links routed inside the console.
 */
export function GuideMarkdown({ markdown }: { markdown: string }) {
	return (
		<article className="text-sm leading-relaxed [&>*:first-child]:mt-0 text-slate-800 [&_:not(pre)>code]:rounded [&_:not(pre)>code]:bg-slate-100 [&_:not(pre)>code]:px-1 [&_:not(pre)>code]:break-words [&_li>p]:my-1">
			<Markdown remarkPlugins={[remarkGfm]} components={COMPONENTS}>
				{markdown}
			</Markdown>
		</article>
	);
}
