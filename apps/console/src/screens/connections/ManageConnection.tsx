import { zodResolver } from "@hookform/resolvers/zod";
import { renameConnectionInput } from "@roster/domain/inputs/connections";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Field, TextInput } from "../../ui/field.tsx";
import { showServerErrors } from "../../ui/forms.ts";
import { Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/page.tsx";
import type { ConnectionDetail } from "./types.ts";

type RenameForm = z.infer<typeof renameConnectionInput>;

function RenameDialog({
	connection,
	open,
	onOpenChange,
}: {
	connection: ConnectionDetail;
	open: boolean;
	onOpenChange: (open: boolean) => void;
}) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const form = useForm<RenameForm>({
		resolver: zodResolver(renameConnectionInput),
		values: { connectionId: connection.id, name: connection.name },
	});
	const rename = useMutation(
		trpc.connections.rename.mutationOptions({
			onSuccess: async () => {
				await queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
				onOpenChange(false);
			},
			onError: (error) => showServerErrors(form.setError, error),
		}),
	);
	const errors = form.formState.errors;
	return (
		<Dialog
			open={open}
			onOpenChange={onOpenChange}
			title="Rename connection"
			description="Its tokens keep working."
		>
			<form
				className="flex flex-col gap-4"
				noValidate
				onSubmit={form.handleSubmit((values) => rename.mutate(values))}
			>
				<Field label="Connection name" error={errors.name?.message}>
					{(control) => <TextInput {...control} autoComplete="off" {...form.register("name")} />}
				</Field>
				{errors.root?.server && <Notice tone="danger">{errors.root.server.message}</Notice>}
				<div className="flex justify-end gap-2">
					<Button onClick={() => onOpenChange(false)}>Cancel</Button>
					<Button type="submit" variant="primary" busy={rename.isPending} busyLabel="Saving…">
						Rename
					</Button>
				</div>
			</form>
		</Dialog>
	);
}

function DeleteDialog({
	connection,
	open,
	onOpenChange,
}: {
	connection: ConnectionDetail;
	open: boolean;
	onOpenChange: (open: boolean) => void;
}) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const [confirmName, setConfirmName] = useState("");
	const remove = useMutation(
		trpc.connections.delete.mutationOptions({
			onSuccess: async () => {
				onOpenChange(false);
				await navigate({ to: "/connections" });
				await queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
			},
		}),
	);
	function submit(event: FormEvent) {
		event.preventDefault();
		remove.mutate({ connectionId: connection.id, confirmName });
	}
	return (
		<Dialog
			open={open}
			onOpenChange={onOpenChange}
			title={`Delete ${connection.name}?`}
			description={`Its ${connection.tokens.total} token(s) are deleted too: the IdP's next request gets 401. Provisioned users stay.`}
		>
			<form className="flex flex-col gap-4" noValidate onSubmit={submit}>
				<Field label={`Type “${connection.name}” to confirm`}>
					{(control) => (
						<TextInput
							{...control}
							autoComplete="off"
							value={confirmName}
							onChange={(event) => setConfirmName(event.target.value)}
						/>
					)}
				</Field>
				{remove.isError && <Notice tone="danger">{errorMessage(remove.error)}</Notice>}
				<div className="flex justify-end gap-2">
					<Button onClick={() => onOpenChange(false)}>Cancel</Button>
					<Button
						type="submit"
						variant="danger"
						busy={remove.isPending}
						busyLabel="Deleting…"
						disabled={confirmName.trim() !== connection.name}
					>
						Delete connection
					</Button>
				</div>
			</form>
		</Dialog>
	);
}

/** Rename and delete: rarely needed, so at the bottom of the page. */
export function ManageConnection({ connection }: { connection: ConnectionDetail }) {
	const [dialog, setDialog] = useState<"rename" | "delete" | null>(null);
	const onOpenChange = (open: boolean) => {
		if (!open) setDialog(null);
	};
	return (
		<Section title="Manage connection">
			<div className="flex flex-wrap gap-2">
				<Button onClick={() => setDialog("rename")}>Rename</Button>
				<Button variant="danger" onClick={() => setDialog("delete")}>
					Delete connection
				</Button>
			</div>
			<RenameDialog connection={connection} open={dialog === "rename"} onOpenChange={onOpenChange} />
			<DeleteDialog connection={connection} open={dialog === "delete"} onOpenChange={onOpenChange} />
		</Section>
	);
}
