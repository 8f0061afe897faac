import { clsx } from "clsx";
import { Button } from "./button.tsx";

/** A filter applied from elsewhere than the form (a row's connection link): shown, and removable. */
export interface FilterChip {
	label: string;
	value: string;
	onRemove: () => void;
}

/** The end of a filter form: apply (submit), clear everything, and the chip of an outside filter. */
export function FilterActions({
	className,
	onClear,
	chip,
}: {
	className?: string;
	onClear: () => void;
	chip?: FilterChip;
}) {
	return (
		<div className={clsx("flex flex-wrap items-end gap-2", className)}>
			<Button type="submit" variant="primary">
				Apply filters
			</Button>
			<Button onClick={onClear}>Clear</Button>
			{chip && (
				<span className="inline-flex items-center gap-2 text-sm">
					{chip.label}: <strong>{chip.value}</strong>
					<Button
						size="sm"
						variant="ghost"
						aria-label={`Stop filtering by ${chip.label.toLowerCase()} ${chip.value}`}
						onClick={chip.onRemove}
					>
						Remove
					</Button>
				</span>
			)}
		</div>
	);
}
