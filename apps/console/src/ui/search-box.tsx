import { type FormEvent, useId, useState } from "react";
import { Button } from "./button.tsx";
import { TextInput } from "./field.tsx";

/** What a directory list searches by: plain text (substring) or a SCIM filter expression. */
export type SearchMode = "text" | "scim";

export interface SearchValue {
	search: string;
	mode: SearchMode;
}

/**
 * A list's search box with a "SCIM filter" switch. It searches on submit (Enter or the button), so a
 * half-typed filter is not sent; the server's refusal of a filter is shown right under the box.
 */
export function SearchBox({
	label,
	placeholder,
	filterPlaceholder,
	value,
	onSearch,
	error,
}: {
	label: string;
	placeholder: string;
	filterPlaceholder: string;
	value: SearchValue;
	onSearch: (value: SearchValue) => void;
	/** The server's message when it refused the search (an invalid filter). */
	error?: string;
}) {
	const id = useId();
	const [text, setText] = useState(value.search);
	const [mode, setMode] = useState<SearchMode>(value.mode);
	function submit(event: FormEvent) {
		event.preventDefault();
		onSearch({ search: text.trim(), mode });
	}
	return (
		<search aria-label={label}>
			<form onSubmit={submit} className="flex flex-col gap-1">
				<label htmlFor={`${id}-text`} className="text-sm font-medium text-slate-800">
					{mode === "scim" ? `${label} (SCIM filter)` : label}
				</label>
				<div className="flex flex-wrap items-center gap-2">
					<TextInput
						id={`${id}-text`}
						className="min-w-0 flex-1 basis-64 font-mono"
						type="search"
						value={text}
						placeholder={mode === "scim" ? filterPlaceholder : placeholder}
						aria-invalid={error ? true : undefined}
						aria-describedby={error ? `${id}-error` : undefined}
						onChange={(event) => setText(event.target.value)}
					/>
					<label className="inline-flex items-center gap-2 text-sm text-slate-800">
						<input
							type="checkbox"
							className="size-4 rounded border-slate-400 accent-accent-600"
							checked={mode === "scim"}
							onChange={(event) => setMode(event.target.checked ? "scim" : "text")}
						/>
						SCIM filter
					</label>
					<Button type="submit" variant="primary">
						Search
					</Button>
					{(value.search !== "" || text !== "") && (
						<Button
							onClick={() => {
								setText("");
								onSearch({ search: "", mode });
							}}
						>
							Clear
						</Button>
					)}
				</div>
				{error && (
					<p id={`${id}-error`} role="alert" className="text-sm font-medium text-red-700">
						{error}
					</p>
				)}
			</form>
		</search>
	);
}
