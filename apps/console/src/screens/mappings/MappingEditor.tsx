import { zodResolver } from "@hookform/resolvers/zod";
import { type MappingFields, type MappingInput, mappingInput } from "@roster/domain/inputs/mappings";
import { accessTiers } from "@roster/domain/tiers";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { Dialog } from "../../ui/dialog.tsx";
import { Field, Select, TextInput } from "../../ui/field.tsx";
import { showServerErrors } from "../../ui/forms.ts";
import { Notice } from "../../ui/notice.tsx";
import { GroupPicker } from "./GroupPicker.tsx";
import { ImpactView } from "./ImpactView.tsx";
import { MATCH_KINDS, type MappingRow } from "./labels.ts";
import { SaveOutcome } from "./SaveOutcome.tsx";
import { type MappingChange, useSaveMapping } from "./save-stream.ts";

function nullable(value: unknown) {
	return value === "" ? null : value;
}

function initialValues(mapping: MappingRow | undefined): MappingInput {
	if (!mapping) {
		return {
			matchKind: "group_display_name",
			matchValue: "",
			targetKind: "tier",
			tier: "USER",
			projectSelector: null,
			projectRole: null,
			priority: 100,
		};
	}
	const { matchKind, matchValue, targetKind, tier, projectSelector, projectRole, priority } = mapping;
	return { matchKind, matchValue, targetKind, tier, projectSelector, projectRole, priority };
}

/**
 * Creates or edits a mapping: what the IdP sends (a group picked among provisioned ones, or a typed name,
 * externalId or role pattern) → a tier or a project role, with a priority. "Preview impact" shows who
 * gains or loses what before anything is stored; Save applies it with progress and shows the result.
 */
export function MappingEditor({
	mapping,
	projectRoles,
	onClose,
}: {
	/** Undefined to create one. */
	mapping: MappingRow | undefined;
	projectRoles: readonly string[];
	onClose: () => void;
}) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const form = useForm<MappingInput, unknown, MappingFields>({
		resolver: zodResolver(mappingInput),
		defaultValues: initialValues(mapping),
	});
	const { register, handleSubmit, watch, setValue, setError, formState } = form;
	const values = watch();
	const [previewedFor, setPreviewedFor] = useState<string | undefined>(undefined);
	const preview = useMutation(trpc.mappings.preview.mutationOptions());
	const save = useSaveMapping({
		onSaved: () => void queryClient.invalidateQueries({ queryKey: trpc.mappings.list.queryKey() }),
	});
	const current = JSON.stringify(values);
	const previewFresh = preview.isSuccess && previewedFor === current;

	function change(fields: MappingFields): MappingChange {
		return mapping ? { action: "update", id: mapping.id, ...fields } : { action: "create", ...fields };
	}
	const runPreview = handleSubmit((fields) => {
		setPreviewedFor(current);
		preview.mutate(change(fields), { onError: (error) => showServerErrors(setError, error) });
	});
	const runSave = handleSubmit((fields) =>
		save.mutate(change(fields), { onError: (error) => showServerErrors(setError, error) }),
	);

	const errors = formState.errors;
	const saved = save.isSuccess;
	return (
		<Dialog
			open
			wide
			onOpenChange={(open) => !open && !save.isPending && onClose()}
			title={mapping ? "Edit role mapping" : "New role mapping"}
			description="Map something the identity provider sends to a tier or a project role. Lower priority wins when rules conflict."
			footer={
				saved ? (
					<Button variant="primary" onClick={onClose}>
						Done
					</Button>
				) : (
					<>
						<Button onClick={onClose} disabled={save.isPending}>
							Cancel
						</Button>
						<Button
							onClick={() => void runPreview()}
							busy={preview.isPending}
							busyLabel="Previewing…"
							disabled={save.isPending}
						>
							Preview impact
						</Button>
						<Button
							variant="primary"
							onClick={() => void runSave()}
							busy={save.isPending}
							busyLabel="Saving…"
						>
							Save
						</Button>
					</>
				)
			}
		>
			<form
				className="flex flex-col gap-4"
				noValidate
				onSubmit={(event) => {
					event.preventDefault();
					void runPreview();
				}}
			>
				<fieldset className="grid gap-4 sm:grid-cols-2" disabled={save.isPending || saved}>
					<legend className="sr-only">Match</legend>
					<Field label="Match" error={errors.matchKind?.message}>
						{(control) => (
							<Select {...control} {...register("matchKind")}>
								{MATCH_KINDS.map((kind) => (
									<option key={kind.value} value={kind.value}>
										{kind.label}
									</option>
								))}
							</Select>
						)}
					</Field>
					<Field
						label={MATCH_KINDS.find((kind) => kind.value === values.matchKind)?.valueLabel ?? "Value"}
						hint={
							values.matchKind === "role_urn"
								? "A role value or URN; * matches any run of characters."
								: undefined
						}
						error={errors.matchValue?.message}
					>
						{(control) => <TextInput {...control} {...register("matchValue")} autoComplete="off" />}
					</Field>
				</fieldset>
				{values.matchKind !== "role_urn" && !saved && (
					<GroupPicker
						by={values.matchKind ?? "group_display_name"}
						onPick={(value) => setValue("matchValue", value, { shouldValidate: true })}
					/>
				)}
				<fieldset className="grid gap-4 sm:grid-cols-3" disabled={save.isPending || saved}>
					<legend className="sr-only">Grant</legend>
					<Field label="Grants" error={errors.targetKind?.message}>
						{(control) => (
							<Select {...control} {...register("targetKind")}>
								<option value="tier">A tier</option>
								<option value="project_role">A project role</option>
							</Select>
						)}
					</Field>
					{values.targetKind === "tier" ? (
						<Field label="Tier" error={errors.tier?.message}>
							{(control) => (
								<Select {...control} {...register("tier", { setValueAs: nullable })}>
									<option value="">Choose a tier</option>
									{accessTiers.map((tier) => (
										<option key={tier} value={tier}>
											{tier}
										</option>
									))}
								</Select>
							)}
						</Field>
					) : (
						<>
							<Field
								label="Project"
								hint="Project id, slug, or * for every project"
								error={errors.projectSelector?.message}
							>
								{(control) => (
									<TextInput
										{...control}
										{...register("projectSelector", { setValueAs: nullable })}
										autoComplete="off"
									/>
								)}
							</Field>
							<Field label="Project role" error={errors.projectRole?.message}>
								{(control) => (
									<Select {...control} {...register("projectRole", { setValueAs: nullable })}>
										<option value="">Choose a role</option>
										{projectRoles.map((role) => (
											<option key={role} value={role}>
												{role}
											</option>
										))}
									</Select>
								)}
							</Field>
						</>
					)}
					<Field label="Priority" hint="Lower wins" error={errors.priority?.message}>
						{(control) => (
							<TextInput
								{...control}
								type="number"
								min={0}
								step={1}
								{...register("priority", { valueAsNumber: true })}
							/>
						)}
					</Field>
				</fieldset>
				{errors.root?.server && <Notice tone="danger">{errors.root.server.message}</Notice>}
			</form>
			<div className="mt-4 flex flex-col gap-3" aria-live="polite">
				{preview.isSuccess && !saved && (
					<>
						{!previewFresh && (
							<Notice tone="warning">
								The form changed since this preview: preview again to see the current impact.
							</Notice>
						)}
						<ImpactView
							impact={preview.data}
							heading="Impact preview (nothing saved yet)"
							projectRoles={projectRoles}
						/>
					</>
				)}
				<SaveOutcome
					pending={save.isPending}
					progress={save.progress}
					expected={previewFresh ? preview.data?.usersExamined : undefined}
					saved={save.data}
					error={save.isError && Object.keys(errors).length === 0 ? save.error : undefined}
					projectRoles={projectRoles}
				/>
			</div>
		</Dialog>
	);
}
