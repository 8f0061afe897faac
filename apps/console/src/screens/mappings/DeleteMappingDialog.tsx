import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { ErrorState, Loading } from "../../ui/query-view.tsx";
import { ImpactView } from "./ImpactView.tsx";
import { type MappingRow, matchLabel, targetLabel } from "./labels.ts";
import { SaveOutcome } from "./SaveOutcome.tsx";
import { useSaveMapping } from "./save-stream.ts";

/** Deleting a mapping: its impact is previewed as soon as the dialog opens, then the delete is confirmed. */
export function DeleteMappingDialog({
	mapping,
	projectRoles,
	onClose,
}: {
	mapping: MappingRow;
	projectRoles: readonly string[];
	onClose: () => void;
}) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const preview = useMutation(trpc.mappings.preview.mutationOptions());
	const save = useSaveMapping({
		onSaved: () => void queryClient.invalidateQueries({ queryKey: trpc.mappings.list.queryKey() }),
	});
	const { mutate } = preview;
	useEffect(() => mutate({ action: "delete", id: mapping.id }), [mutate, mapping.id]);

	return (
		<Dialog
			open
			wide
			onOpenChange={(open) => !open && !save.isPending && onClose()}
			title="Delete role mapping"
			description={`${matchLabel(mapping)} "${mapping.matchValue}" → ${targetLabel(mapping)}, priority ${mapping.priority}. The users it grants fall back to what the other rules give.`}
			footer={
				save.isSuccess ? (
					<Button variant="primary" onClick={onClose}>
						Done
					</Button>
				) : (
					<>
						<Button onClick={onClose} disabled={save.isPending}>
							Cancel
						</Button>
						<Button
							variant="danger"
							busy={save.isPending}
							busyLabel="Deleting…"
							disabled={!preview.isSuccess}
							onClick={() => save.mutate({ action: "delete", id: mapping.id })}
						>
							Delete mapping
						</Button>
					</>
				)
			}
		>
			<div className="flex flex-col gap-3" aria-live="polite">
				{preview.isPending && <Loading label="Previewing who loses what…" />}
				{preview.isError && (
					<ErrorState error={preview.error} onRetry={() => mutate({ action: "delete", id: mapping.id })} />
				)}
				{preview.isSuccess && !save.isSuccess && (
					<ImpactView
						impact={preview.data}
						heading="Impact preview (nothing deleted yet)"
						projectRoles={projectRoles}
					/>
				)}
				<SaveOutcome
					pending={save.isPending}
					progress={save.progress}
					expected={preview.data?.usersExamined}
					saved={save.data}
					error={save.error}
					projectRoles={projectRoles}
				/>
			</div>
		</Dialog>
	);
}
