import { zodResolver } from "@hookform/resolvers/zod";
import {
	type MintTokenInput,
	mintTokenInput,
	type RotateTokenInput,
	rotateTokenInput,
	setTokenExpiryInput,
} from "@roster/domain/inputs/connections";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type UseFormRegisterReturn, useForm } from "react-hook-form";
import type { z } from "zod";
import { useTRPC } from "../../trpc.ts";
import { ConfirmDialog, Dialog } from "../../ui/dialog.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Field, Select, TextInput } from "../../ui/field.tsx";
import { FormFooter } from "../../ui/form-footer.tsx";
import { showServerErrors } from "../../ui/forms.ts";
import { Notice } from "../../ui/notice.tsx";
import { formatDateTime } from "../../ui/time.ts";
import { ShownOnceToken } from "./ShownOnceToken.tsx";
import type { TokenRow } from "./types.ts";

/** An optional whole number of days: an empty box means none. */
const optionalDays = (value: unknown) => (value === "" || value === undefined ? undefined : Number(value));

/** A number of days (an expiry), empty for none. */
function DaysField({
	label,
	hint,
	error,
	registration,
}: {
	label: string;
	hint: string;
	error: string | undefined;
	registration: UseFormRegisterReturn;
}) {
	return (
		<Field label={label} hint={hint} error={error}>
			{(control) => <TextInput {...control} type="number" inputMode="numeric" min={1} {...registration} />}
		</Field>
	);
}

/** After a token change, every connections read (list, detail, tokens, expiring) is stale. */
function useInvalidateConnections() {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	return () => queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
}

interface DialogProps {
	open: boolean;
	onOpenChange: (open: boolean) => void;
}

/** "Create token": an optional lifetime, then the token shown once with a copy button and a test. */
export function MintTokenDialog({
	connectionId,
	open,
	onOpenChange,
}: DialogProps & { connectionId: string }) {
	const trpc = useTRPC();
	const invalidate = useInvalidateConnections();
	const form = useForm<MintTokenInput>({
		resolver: zodResolver(mintTokenInput),
		defaultValues: { connectionId, expiresInDays: undefined },
	});
	const mint = useMutation(
		trpc.connections.mintToken.mutationOptions({
			onSuccess: () => invalidate(),
			onError: (error) => showServerErrors(form.setError, error),
		}),
	);
	function close(next: boolean) {
		if (!next) {
			mint.reset();
			form.reset({ connectionId, expiresInDays: undefined });
		}
		onOpenChange(next);
	}
	const errors = form.formState.errors;
	return (
		<Dialog open={open} onOpenChange={close} title="Create token" wide={mint.isSuccess}>
			{mint.isSuccess ? (
				<ShownOnceToken connectionId={connectionId} token={mint.data.token} />
			) : (
				<form
					className="flex flex-col gap-4"
					noValidate
					onSubmit={form.handleSubmit((values) => mint.mutate(values))}
				>
					<DaysField
						label="Expires after (days)"
						hint="Leave empty for a token that does not expire. Tokens expiring within 14 days are flagged."
						error={errors.expiresInDays?.message}
						registration={form.register("expiresInDays", { setValueAs: optionalDays })}
					/>
					<FormFooter
						serverError={errors.root?.server?.message}
						onCancel={() => close(false)}
						submitLabel="Create token"
						busy={mint.isPending}
						busyLabel="Creating…"
					/>
				</form>
			)}
		</Dialog>
	);
}

const OVERLAPS = [
	{ hours: 0, label: "No overlap: stop the old token now" },
	{ hours: 1, label: "1 hour" },
	{ hours: 24, label: "24 hours" },
	{ hours: 72, label: "3 days" },
	{ hours: 168, label: "7 days" },
	{ hours: 720, label: "30 days" },
] as const;

/** "Rotate": a successor shown once, while the old token keeps working for the chosen overlap. */
export function RotateTokenDialog({
	connectionId,
	token,
	open,
	onOpenChange,
}: DialogProps & { connectionId: string; token: TokenRow }) {
	const trpc = useTRPC();
	const invalidate = useInvalidateConnections();
	const form = useForm<RotateTokenInput>({
		resolver: zodResolver(rotateTokenInput),
		defaultValues: { tokenId: token.id, overlapHours: 24, expiresInDays: undefined },
	});
	const rotate = useMutation(
		trpc.connections.rotateToken.mutationOptions({
			onSuccess: () => invalidate(),
			onError: (error) => showServerErrors(form.setError, error),
		}),
	);
	function close(next: boolean) {
		if (!next) rotate.reset();
		onOpenChange(next);
	}
	const errors = form.formState.errors;
	return (
		<Dialog
			open={open}
			onOpenChange={close}
			title={`Rotate token ${token.prefix}…`}
			description="A new token is created; the old one keeps working until the overlap ends, so the IdP can be switched without a gap."
			wide={rotate.isSuccess}
		>
			{rotate.isSuccess ? (
				<div className="flex flex-col gap-3">
					<Notice tone="info">
						The old token <code>{rotate.data.previous.prefix}…</code> stops{" "}
						{rotate.data.previous.expiresAt ? formatDateTime(rotate.data.previous.expiresAt) : "never"}.
					</Notice>
					<ShownOnceToken connectionId={connectionId} token={rotate.data.token} />
				</div>
			) : (
				<form
					className="flex flex-col gap-4"
					noValidate
					onSubmit={form.handleSubmit((values) => rotate.mutate(values))}
				>
					<Field label="Overlap: the old token keeps working for" error={errors.overlapHours?.message}>
						{(control) => (
							<Select {...control} {...form.register("overlapHours", { valueAsNumber: true })}>
								{OVERLAPS.map((overlap) => (
									<option key={overlap.hours} value={overlap.hours}>
										{overlap.label}
									</option>
								))}
							</Select>
						)}
					</Field>
					<DaysField
						label="New token expires after (days)"
						hint="Leave empty for no expiry."
						error={errors.expiresInDays?.message}
						registration={form.register("expiresInDays", { setValueAs: optionalDays })}
					/>
					<FormFooter
						serverError={errors.root?.server?.message}
						onCancel={() => close(false)}
						submitLabel="Rotate token"
						busy={rotate.isPending}
						busyLabel="Rotating…"
					/>
				</form>
			)}
		</Dialog>
	);
}

type ExpiryForm = z.infer<typeof setTokenExpiryInput>;

/** "Expiry": set a new lifetime from today, or remove it (empty). */
export function ExpiryDialog({
	token,
	open,
	onOpenChange,
	onDone,
}: DialogProps & { token: TokenRow; onDone: (message: string) => void }) {
	const trpc = useTRPC();
	const invalidate = useInvalidateConnections();
	const form = useForm<ExpiryForm>({
		resolver: zodResolver(setTokenExpiryInput),
		defaultValues: { tokenId: token.id, expiresInDays: null },
	});
	const save = useMutation(
		trpc.connections.setTokenExpiry.mutationOptions({
			onSuccess: async (updated) => {
				await invalidate();
				onOpenChange(false);
				onDone(
					`Token ${updated.prefix}… ${updated.expiresAt ? `now expires ${formatDateTime(updated.expiresAt)}` : "no longer expires"}.`,
				);
			},
			onError: (error) => showServerErrors(form.setError, error),
		}),
	);
	const errors = form.formState.errors;
	return (
		<Dialog
			open={open}
			onOpenChange={onOpenChange}
			title={`Expiry of token ${token.prefix}…`}
			description={`Now: ${token.expiresAt ? `expires ${formatDateTime(token.expiresAt)}` : "never expires"}.`}
		>
			<form
				className="flex flex-col gap-4"
				noValidate
				onSubmit={form.handleSubmit((values) => save.mutate(values))}
			>
				<DaysField
					label="Expires after (days from now)"
					hint="Leave empty to remove the expiry."
					error={errors.expiresInDays?.message}
					registration={form.register("expiresInDays", {
						setValueAs: (value) => optionalDays(value) ?? null,
					})}
				/>
				<FormFooter
					serverError={errors.root?.server?.message}
					onCancel={() => onOpenChange(false)}
					submitLabel="Save expiry"
					busy={save.isPending}
					busyLabel="Saving…"
				/>
			</form>
		</Dialog>
	);
}

/** "Revoke": asks first, since the IdP's next request with the token gets 401. */
export function RevokeTokenDialog({
	token,
	open,
	onOpenChange,
	onDone,
}: DialogProps & { token: TokenRow; onDone: (message: string) => void }) {
	const trpc = useTRPC();
	const invalidate = useInvalidateConnections();
	const revoke = useMutation(
		trpc.connections.revokeToken.mutationOptions({
			onSuccess: async (revoked) => {
				await invalidate();
				onOpenChange(false);
				onDone(`Token ${revoked.prefix}… is revoked: its next request gets 401.`);
			},
		}),
	);
	return (
		<ConfirmDialog
			open={open}
			onOpenChange={onOpenChange}
			title={`Revoke token ${token.prefix}…?`}
			confirmLabel="Revoke token"
			busy={revoke.isPending}
			onConfirm={() => revoke.mutate({ tokenId: token.id })}
		>
			The identity provider's next request with this token gets 401. This cannot be undone.
			{revoke.isError && (
				<span className="mt-2 block font-medium text-red-700">{errorMessage(revoke.error)}</span>
			)}
		</ConfirmDialog>
	);
}
