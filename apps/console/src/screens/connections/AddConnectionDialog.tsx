import { zodResolver } from "@hookform/resolvers/zod";
import {
	type CreateConnectionInput,
	createConnectionInput,
	idpKinds,
	idpPresets,
} from "@roster/domain/inputs/connections";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { clsx } from "clsx";
import { useForm } from "react-hook-form";
import { useTRPC } from "../../trpc.ts";
import { Dialog } from "../../ui/dialog.tsx";
import { Field, TextInput } from "../../ui/field.tsx";
import { FormFooter } from "../../ui/form-footer.tsx";
import { showServerErrors } from "../../ui/forms.ts";
import { GuideLink } from "../help/GuideLink.tsx";

/**
 * "Add connection": pick the IdP's preset (its compatibility profile, PATCH answer and rate limit come
 * with it) and name the connection; then the detail page shows the setup steps and the token button.
 */
export function AddConnectionDialog({
	open,
	onOpenChange,
}: {
	open: boolean;
	onOpenChange: (open: boolean) => void;
}) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const form = useForm<CreateConnectionInput>({
		resolver: zodResolver(createConnectionInput),
		defaultValues: { name: "", idpKind: "entra" },
	});
	const create = useMutation(
		trpc.connections.create.mutationOptions({
			onSuccess: async (created) => {
				await queryClient.invalidateQueries({ queryKey: trpc.connections.list.queryKey() });
				onOpenChange(false);
				form.reset();
				await navigate({ to: "/connections/$connectionId", params: { connectionId: created.id } });
			},
			onError: (error) => showServerErrors(form.setError, error),
		}),
	);
	const chosen = form.watch("idpKind");
	const errors = form.formState.errors;
	return (
		<Dialog
			open={open}
			onOpenChange={onOpenChange}
			title="Add connection"
			description="Choose the identity provider; its recommended settings are applied and can be changed later."
			wide
		>
			<form
				className="flex flex-col gap-4"
				noValidate
				onSubmit={form.handleSubmit((values) => create.mutate(values))}
			>
				<fieldset>
					<legend className="text-sm font-medium text-slate-800">Identity provider</legend>
					<div className="mt-2 grid grid-cols-1 gap-2 sm:grid-cols-2">
						{idpKinds.map((kind) => {
							const preset = idpPresets[kind];
							return (
								<label
									key={kind}
									className={clsx(
										"flex cursor-pointer gap-3 rounded-md border p-3 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-accent-600",
										chosen === kind ? "border-accent-600 bg-accent-50" : "border-slate-300",
									)}
								>
									<input
										type="radio"
										value={kind}
										className="mt-0.5 accent-accent-600"
										{...form.register("idpKind")}
									/>
									<span>
										<span className="block font-medium text-slate-900">{preset.label}</span>
										<span className="block text-xs text-slate-600">
											Profile {preset.settings.compatibility}, PATCH {preset.settings.userPatchResponse},{" "}
											{preset.settings.requestsPerSecond} req/s
										</span>
									</span>
								</label>
							);
						})}
					</div>
					{errors.idpKind?.message && (
						<p className="mt-1 text-xs font-medium text-red-700">{errors.idpKind.message}</p>
					)}
					<p className="mt-2">
						<GuideLink idpKind={chosen} />
					</p>
				</fieldset>
				<Field
					label="Connection name"
					hint="How the audit log and the provisioning log name it, e.g. “Entra production”."
					error={errors.name?.message}
				>
					{(control) => <TextInput {...control} autoComplete="off" {...form.register("name")} />}
				</Field>
				<FormFooter
					serverError={errors.root?.server?.message}
					onCancel={() => onOpenChange(false)}
					submitLabel="Add connection"
					busy={create.isPending}
					busyLabel="Adding…"
				/>
			</form>
		</Dialog>
	);
}
