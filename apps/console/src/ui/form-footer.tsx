import { Button } from "./button.tsx";
import { Notice } from "./notice.tsx";

/**
 * The end of a dialog's form: the server's refusal that belongs to no field, then Cancel and the
 * submit button (busy while the mutation runs).
 */
export function FormFooter({
	serverError,
	onCancel,
	submitLabel,
	busy,
	busyLabel,
}: {
	serverError?: string;
	onCancel: () => void;
	submitLabel: string;
	busy: boolean;
	busyLabel: string;
}) {
	return (
		<>
			{serverError && <Notice tone="danger">{serverError}</Notice>}
			<div className="flex justify-end gap-2">
				<Button onClick={onCancel}>Cancel</Button>
				<Button type="submit" variant="primary" busy={busy} busyLabel={busyLabel}>
					{submitLabel}
				</Button>
			</div>
		</>
	);
}
