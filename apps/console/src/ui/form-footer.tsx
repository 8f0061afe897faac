import type { ReactNode } from "react";
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

/**
 * The end of a settings form on a page: the server's refusal that belongs to no field, what the last
 * save did (shown while nothing changed since), then the submit button and "Discard changes".
 */
export function SaveOrDiscard({
	serverError,
	saved,
	submitLabel,
	busy,
	canSave,
	canDiscard,
	onDiscard,
}: {
	serverError?: string;
	saved?: ReactNode;
	submitLabel: string;
	busy: boolean;
	canSave: boolean;
	canDiscard: boolean;
	onDiscard: () => void;
}) {
	return (
		<>
			{serverError && <Notice tone="danger">{serverError}</Notice>}
			{saved}
			<div className="flex flex-wrap gap-2">
				<Button type="submit" variant="primary" busy={busy} busyLabel="Saving…" disabled={!canSave}>
					{submitLabel}
				</Button>
				<Button onClick={onDiscard} disabled={!canDiscard || busy}>
					Discard changes
				</Button>
			</div>
		</>
	);
}
