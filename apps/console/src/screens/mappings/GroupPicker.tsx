import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Field, TextInput } from "../../ui/field.tsx";

const number = new Intl.NumberFormat();

function useDebounced<T>(value: T, ms: number): T {
	const [debounced, setDebounced] = useState(value);
	useEffect(() => {
		const timer = setTimeout(() => setDebounced(value), ms);
		return () => clearTimeout(timer);
	}, [value, ms]);
	return debounced;
}

/**
 * Searches the organization's provisioned groups by displayName or externalId and offers the matches as
 * buttons; picking one hands its name (or externalId) to the form.
 */
export function GroupPicker({
	by,
	onPick,
}: {
	by: "group_display_name" | "group_external_id";
	onPick: (value: string) => void;
}) {
	const trpc = useTRPC();
	const [search, setSearch] = useState("");
	const term = useDebounced(search.trim(), 250);
	const options = useQuery(trpc.mappings.groupOptions.queryOptions({ search: term }));
	return (
		<div className="flex flex-col gap-2 rounded-md border border-slate-200 p-3">
			<Field
				label="Find a provisioned group"
				hint="Search by name or externalId; or type the value above yourself."
			>
				{(control) => (
					<TextInput
						{...control}
						type="search"
						value={search}
						onChange={(event) => setSearch(event.target.value)}
					/>
				)}
			</Field>
			{options.isPending ? (
				<p className="text-sm text-slate-600">Searching…</p>
			) : options.isError ? (
				<p className="text-sm text-red-700">{errorMessage(options.error)}</p>
			) : options.data.length === 0 ? (
				<p className="text-sm text-slate-600">
					{term ? `No provisioned group matches "${term}".` : "No groups have been provisioned yet."}
				</p>
			) : (
				<ul className="flex max-h-48 flex-col gap-1 overflow-y-auto" aria-label="Matching groups">
					{options.data.map((group) => {
						const value = by === "group_external_id" ? group.externalId : group.displayName;
						return (
							<li key={group.id} className="flex flex-wrap items-center justify-between gap-2 text-sm">
								<span className="min-w-0 break-words">
									<span className="font-medium">{group.displayName}</span>
									{group.externalId && <span className="ml-1 text-slate-600">({group.externalId})</span>}
									<span className="ml-1 text-slate-600">
										· {number.format(group.members)}
										{group.members >= 10_000 ? "+" : ""} members
									</span>
								</span>
								<Button
									size="sm"
									disabled={value === null}
									aria-label={`Use group ${group.displayName}`}
									onClick={() => value !== null && onPick(value)}
								>
									{value === null ? "No externalId" : "Use"}
								</Button>
							</li>
						);
					})}
				</ul>
			)}
		</div>
	);
}
