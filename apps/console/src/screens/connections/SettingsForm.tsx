import { zodResolver } from "@hookform/resolvers/zod";
import {
	type ConfigureConnectionInput,
	compatibilityProfiles,
	configureConnectionInput,
	idpPresets,
	requestsPerSecondRange,
	userPatchResponses,
} from "@roster/domain/inputs/connections";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { Field, Select, TextInput } from "../../ui/field.tsx";
import { showServerErrors } from "../../ui/forms.ts";
import { Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/page.tsx";
import type { ConnectionDetail } from "./types.ts";

const PROFILE_HINTS: Record<(typeof compatibilityProfiles)[number], string> = {
	auto: "picked per request from the User-Agent",
	entra: "Entra ID's answers",
	okta: "Okta's answers (roles as strings)",
	strict: "RFC 7644 only, input read strictly",
};

/** The connection's compatibility profile, PATCH answer and rate limit, validated like the server does. */
export function SettingsForm({ connection }: { connection: ConnectionDetail }) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const preset = idpPresets[connection.idpKind].settings;
	const form = useForm<ConfigureConnectionInput>({
		resolver: zodResolver(configureConnectionInput),
		values: { connectionId: connection.id, ...connection.settings } as ConfigureConnectionInput,
	});
	const save = useMutation(
		trpc.connections.configure.mutationOptions({
			onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() }),
			onError: (error) => showServerErrors(form.setError, error),
		}),
	);
	const errors = form.formState.errors;
	return (
		<Section
			title="Compatibility"
			description={`Recommended for this IdP: profile ${preset.compatibility}, PATCH ${preset.userPatchResponse}, ${preset.requestsPerSecond} requests per second. Changes apply to the next request.`}
		>
			<form
				className="grid grid-cols-1 gap-4 md:grid-cols-3"
				noValidate
				onSubmit={form.handleSubmit((values) => save.mutate(values))}
			>
				<Field label="Response profile" error={errors.compatibility?.message}>
					{(control) => (
						<Select {...control} {...form.register("compatibility")}>
							{compatibilityProfiles.map((profile) => (
								<option key={profile} value={profile}>
									{profile} — {PROFILE_HINTS[profile]}
								</option>
							))}
						</Select>
					)}
				</Field>
				<Field label="User PATCH answer" error={errors.userPatchResponse?.message}>
					{(control) => (
						<Select {...control} {...form.register("userPatchResponse")}>
							{userPatchResponses.map((status) => (
								<option key={status} value={status}>
									{status === "200" ? "200 with the user" : "204 without a body"}
								</option>
							))}
						</Select>
					)}
				</Field>
				<Field
					label="Rate limit (requests per second)"
					hint={`${requestsPerSecondRange.min}–${requestsPerSecondRange.max}`}
					error={errors.requestsPerSecond?.message}
				>
					{(control) => (
						<TextInput
							{...control}
							type="number"
							inputMode="numeric"
							{...form.register("requestsPerSecond", { valueAsNumber: true })}
						/>
					)}
				</Field>
				<div className="flex flex-wrap items-center gap-3 md:col-span-3">
					<Button type="submit" variant="primary" busy={save.isPending} busyLabel="Saving…">
						Save settings
					</Button>
					{save.isSuccess && <Notice tone="success">Settings saved.</Notice>}
					{errors.root?.server && <Notice tone="danger">{errors.root.server.message}</Notice>}
				</div>
			</form>
		</Section>
	);
}
