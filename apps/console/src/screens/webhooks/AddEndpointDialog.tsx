import { zodResolver } from "@hookform/resolvers/zod";
import { createWebhookEndpointInput } from "@roster/domain/inputs/webhooks";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { CopyButton } from "../../ui/copy-button.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { Field, TextInput } from "../../ui/field.tsx";
import { FormFooter } from "../../ui/form-footer.tsx";
import { showServerErrors } from "../../ui/forms.ts";
import { Notice } from "../../ui/notice.tsx";
import { ShownOnceField } from "../../ui/shown-once-field.tsx";

type EndpointForm = z.input<typeof createWebhookEndpointInput>;

/** The signing secret of a new endpoint, shown this once with a copy button. */
function ShownOnceSecret({ secret, onDone }: { secret: string; onDone: () => void }) {
	return (
		<div className="flex flex-col gap-4">
			<Notice tone="warning" title="Copy the signing secret now">
				It is stored encrypted and cannot be shown again. Your receiver verifies each delivery's
				webhook-signature header with it (Standard Webhooks).
			</Notice>
			<ShownOnceField id="new-signing-secret" label="Signing secret" value={secret} />
			<div className="flex justify-between gap-2">
				<CopyButton text={secret} label="Copy secret" />
				<Button variant="primary" onClick={onDone}>
					Done
				</Button>
			</div>
		</div>
	);
}

/** "Add endpoint": the receiver's URL and a note; then its signing secret, once. */
export function AddEndpointDialog({
	open,
	onOpenChange,
}: {
	open: boolean;
	onOpenChange: (open: boolean) => void;
}) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const [secret, setSecret] = useState<string | undefined>();
	const form = useForm<EndpointForm>({
		resolver: zodResolver(createWebhookEndpointInput),
		defaultValues: { url: "", description: "" },
	});
	const create = useMutation(
		trpc.webhooks.create.mutationOptions({
			onSuccess: async (created) => {
				setSecret(created.signingSecret);
				form.reset();
				await queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
			},
			onError: (error) => showServerErrors(form.setError, error),
		}),
	);
	const close = (next: boolean) => {
		if (!next) setSecret(undefined);
		onOpenChange(next);
	};
	const errors = form.formState.errors;
	return (
		<Dialog
			open={open}
			onOpenChange={close}
			title="Add webhook endpoint"
			description="Roster POSTs every provisioning event of this organization to it, signed, in order."
		>
			{secret ? (
				<ShownOnceSecret secret={secret} onDone={() => close(false)} />
			) : (
				<form
					className="flex flex-col gap-4"
					noValidate
					onSubmit={form.handleSubmit((values) => create.mutate(createWebhookEndpointInput.parse(values)))}
				>
					<Field label="Endpoint URL" hint="https:// and a public address." error={errors.url?.message}>
						{(control) => (
							<TextInput
								{...control}
								type="url"
								autoComplete="off"
								placeholder="https://"
								{...form.register("url")}
							/>
						)}
					</Field>
					<Field label="Description" hint="Optional: who receives it." error={errors.description?.message}>
						{(control) => <TextInput {...control} autoComplete="off" {...form.register("description")} />}
					</Field>
					<FormFooter
						serverError={errors.root?.server?.message}
						onCancel={() => close(false)}
						submitLabel="Add endpoint"
						busy={create.isPending}
						busyLabel="Adding…"
					/>
				</form>
			)}
		</Dialog>
	);
}
