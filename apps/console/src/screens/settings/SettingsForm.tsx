import { zodResolver } from "@hookform/resolvers/zod";
import {
	deletePolicies,
	type OrganizationSettings,
	roleSources,
	type SettingsChange,
	type SettingsChangeInput,
	settingNames,
	settingsChange,
} from "@roster/domain/inputs/settings";
import { accessTiers } from "@roster/domain/tiers";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { useTRPC } from "../../trpc.ts";
import { Checkbox, Field, LabelledOptions, Select, TextInput } from "../../ui/field.tsx";
import { SaveOrDiscard } from "../../ui/form-footer.tsx";
import { showServerErrors } from "../../ui/forms.ts";
import { Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/page.tsx";

/** The form's values: what the inputs hold (the retention as typed text, project roles as the CLI's comma list). */
function valuesOf(settings: OrganizationSettings): SettingsChangeInput {
	return {
		...settings,
		provisioningLogRetentionDays: String(settings.provisioningLogRetentionDays),
		projectRoles: settings.projectRoles.join(","),
	};
}

/**
 * The message of a field's error, or of its first item's: a bad role name is refused at
 * `projectRoles.N`, and the field shows it as its own.
 */
function firstMessage(error: unknown): string | undefined {
	if (!error || typeof error !== "object") return undefined;
	const { message } = error as { message?: unknown };
	if (typeof message === "string") return message;
	for (const item of Object.values(error)) {
		const found = firstMessage(item);
		if (found) return found;
	}
	return undefined;
}

const DELETE_POLICY_LABELS: Record<(typeof deletePolicies)[number], string> = {
	soft: "Keep a tombstone (restorable)",
	hard: "Remove the user",
};

const ROLE_SOURCE_LABELS: Record<(typeof roleSources)[number], string> = {
	idp: "IdP role values only",
	console: "Console mappings only",
	both: "Both",
};

/**
 * The organization's settings, validated in the browser by the very schema `settings.update` and the CLI
 * use; only changed settings are sent, and the answer says how many users' access was recomputed.
 */
export function SettingsForm({ settings }: { settings: OrganizationSettings }) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const form = useForm<SettingsChangeInput, unknown, SettingsChange>({
		defaultValues: valuesOf(settings),
		resolver: zodResolver(settingsChange),
	});
	const { register, formState, handleSubmit, setError, reset } = form;
	const save = useMutation(
		trpc.settings.update.mutationOptions({
			onSuccess: async (result) => {
				reset(valuesOf(result.settings));
				await queryClient.invalidateQueries(trpc.settings.get.queryFilter());
			},
			onError: (error) => showServerErrors(setError, error),
		}),
	);
	const errors = formState.errors;

	const submit = handleSubmit((parsed) => {
		const changed = settingNames.filter((name) => formState.dirtyFields[name]);
		const change = Object.fromEntries(changed.map((name) => [name, parsed[name]])) as SettingsChangeInput;
		save.mutate(change);
	});

	return (
		<form onSubmit={submit} noValidate className="flex flex-col gap-6">
			<Section title="Provisioning" description="How SCIM requests from your IdPs are handled.">
				<div className="flex flex-col gap-4">
					<Checkbox label="SCIM provisioning is on for this organization" {...register("scimEnabled")} />
					<Field
						label="When the IdP deletes a user"
						error={errors.deletePolicy?.message}
						hint="A tombstone lets the same IdP restore the user under the same id."
					>
						{(control) => (
							<Select {...control} {...register("deletePolicy")}>
								<LabelledOptions values={deletePolicies} labels={DELETE_POLICY_LABELS} />
							</Select>
						)}
					</Field>
					<Checkbox
						label="Users may be owned by more than one connection"
						{...register("allowSharedOwnership")}
					/>
					<Field
						label="Keep the provisioning log for (days)"
						error={errors.provisioningLogRetentionDays?.message}
						hint="0 keeps nothing; at most 3650."
					>
						{(control) => (
							<TextInput {...control} inputMode="numeric" {...register("provisioningLogRetentionDays")} />
						)}
					</Field>
				</div>
			</Section>
			<Section title="Access" description="Changing these recomputes every user's access when you save.">
				<div className="flex flex-col gap-4">
					<Field label="Roles come from" error={errors.roleSource?.message}>
						{(control) => (
							<Select {...control} {...register("roleSource")}>
								<LabelledOptions values={roleSources} labels={ROLE_SOURCE_LABELS} />
							</Select>
						)}
					</Field>
					<Field
						label="Fallback tier"
						error={errors.fallbackTier?.message}
						hint="What an active user gets when no mapping or role grants more."
					>
						{(control) => (
							<Select {...control} {...register("fallbackTier")}>
								{accessTiers.map((tier) => (
									<option key={tier} value={tier}>
										{tier}
									</option>
								))}
							</Select>
						)}
					</Field>
					<Checkbox
						label="Create a project when a role names one that does not exist"
						{...register("autoCreateProjects")}
					/>
					<Field
						label="Project roles"
						error={firstMessage(errors.projectRoles)}
						hint="Comma-separated, most privileged first, e.g. admin,write,read."
					>
						{(control) => <TextInput {...control} {...register("projectRoles")} />}
					</Field>
				</div>
			</Section>
			<SaveOrDiscard
				serverError={errors.root?.server?.message}
				saved={
					save.isSuccess &&
					!formState.isDirty && (
						<Notice tone="success" title="Settings saved">
							{save.data.usersRecomputed > 0
								? `Access recomputed for ${save.data.usersRecomputed.toLocaleString()} users, ${save.data.usersChanged.toLocaleString()} changed.`
								: "No access needed recomputing."}
						</Notice>
					)
				}
				submitLabel="Save settings"
				busy={save.isPending}
				canSave={formState.isDirty}
				canDiscard={formState.isDirty}
				onDiscard={() => reset(valuesOf(settings))}
			/>
		</form>
	);
}
