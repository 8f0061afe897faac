import { Field, TextInput } from "./field.tsx";

/** A `datetime-local` value (the reader's time zone) as an ISO instant; undefined when empty or invalid. */
export function localToIso(local: string): string | undefined {
	if (!local) return undefined;
	const time = new Date(local).getTime();
	return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * "From" and "To" inputs for a time filter, in the reader's time zone; the parent turns their values
 * into instants with `localToIso`. Server-side refusals show beside each field.
 */
export function TimeRangeFields({
	from,
	to,
	onChange,
	errors = {},
}: {
	from: string;
	to: string;
	onChange: (range: { from: string; to: string }) => void;
	errors?: { from?: string; to?: string };
}) {
	return (
		<>
			<Field label="From" error={errors.from}>
				{(control) => (
					<TextInput
						{...control}
						type="datetime-local"
						value={from}
						onChange={(event) => onChange({ from: event.target.value, to })}
					/>
				)}
			</Field>
			<Field label="To" error={errors.to}>
				{(control) => (
					<TextInput
						{...control}
						type="datetime-local"
						value={to}
						onChange={(event) => onChange({ from, to: event.target.value })}
					/>
				)}
			</Field>
		</>
	);
}
