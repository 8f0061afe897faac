import type { AppRouter } from "@roster/server/trpc";
import { Link } from "@tanstack/react-router";
import type { inferRouterOutputs } from "@trpc/server";
import type { ReactNode } from "react";

type Explained = inferRouterOutputs<AppRouter>["users"]["get"]["access"]["explanation"];
type Grant = Explained["granted"][number];
type Ignored = Explained["ignored"][number];

/** The server's sentence with its `quoted` names set as code, so group names stand out. */
function Sentence({ text }: { text: string }) {
	return (
		<>
			{text.split("`").map((part, index) =>
				index % 2 === 1 ? (
					<code key={index} className="rounded bg-slate-100 px-1">
						{part}
					</code>
				) : (
					part
				),
			)}
		</>
	);
}

/** Links to what a grant rests on: the group's page and the mapping in the mappings screen. */
function Sources({ group, mapping }: Pick<Grant, "group" | "mapping">) {
	const links: ReactNode[] = [];
	if (group?.exists) {
		links.push(
			<Link
				key="group"
				to="/groups/$groupId"
				params={{ groupId: group.id }}
				className="text-accent-700 underline underline-offset-2"
			>
				Group {group.displayName}
			</Link>,
		);
	}
	if (mapping?.exists) {
		links.push(
			<Link
				key="mapping"
				to="/mappings"
				hash={`mapping-${mapping.id}`}
				className="text-accent-700 underline underline-offset-2"
			>
				Mapping #{mapping.number}
			</Link>,
		);
	}
	if (links.length === 0) return null;
	return <span className="ml-2 inline-flex flex-wrap gap-3 text-xs">{links}</span>;
}

function GrantItem({ item, links }: { item: Grant | Ignored; links: boolean }) {
	return (
		<li className="py-1.5">
			<Sentence text={item.text} />
			{links && <Sources group={item.group} mapping={item.mapping} />}
		</li>
	);
}

function GrantList({
	title,
	items,
	empty,
	links,
}: {
	title: string;
	items: (Grant | Ignored)[];
	empty: string;
	links: boolean;
}) {
	return (
		<div>
			<h3 className="text-sm font-semibold text-slate-800">{title}</h3>
			{items.length === 0 ? (
				<p className="py-1.5 text-sm text-slate-600">{empty}</p>
			) : (
				<ul className="divide-y divide-slate-100 text-sm text-slate-900">
					{items.map((item) => (
						<GrantItem key={item.text} item={item} links={links} />
					))}
				</ul>
			)}
		</div>
	);
}

/**
 * "Why does this person have this access?": every grant the stored decision made, what it overruled
 * and what the IdP sent that granted nothing, each linked to its group and mapping when `links` is set
 * (administrators: those screens are theirs alone).
 */
export function Explanation({ explanation, links }: { explanation: Explained; links: boolean }) {
	return (
		<div className="flex flex-col gap-4">
			<GrantList title="Granted" items={explanation.granted} empty="Nothing is granted." links={links} />
			<GrantList
				title="Overruled"
				items={explanation.overruled}
				empty="No rule was overruled."
				links={links}
			/>
			<GrantList
				title="Ignored"
				items={explanation.ignored}
				empty="Nothing the IdP sent was ignored."
				links={links}
			/>
		</div>
	);
}
