import { zodResolver } from "@hookform/resolvers/zod";
import {
	DEFAULT_MATCH_CLAIM,
	type SsoMatchAttribute,
	type SsoSettingsChange,
	type SsoSettingsInput,
	ssoMatchAttributes,
	ssoSettingsInput,
} from "@roster/domain/inputs/sso";
import type { AppRouter } from "@roster/server/trpc";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { useTRPC } from "../../trpc.ts";
import { Button } from "../../ui/button.tsx";
import { CopyButton } from "../../ui/copy-button.tsx";
import { errorMessage } from "../../ui/errors.ts";
import { Checkbox, Field, LabelledOptions, Select, TextInput } from "../../ui/field.tsx";
import { SaveOrDiscard } from "../../ui/form-footer.tsx";
import { showServerErrors } from "../../ui/forms.ts";
import { Notice } from "../../ui/notice.tsx";
import { Facts, Section } from "../../ui/page.tsx";
import { QueryView } from "../../ui/query-view.tsx";

type SsoSettings = inferRouterOutputs<AppRouter>["sso"]["get"];

const MATCH_LABELS: Record<SsoMatchAttribute, string> = {
	userName: "userName (the login the IdP provisions)",
	externalId: "externalId (the IdP's id for the user)",
};

/** The setup guides, at their single sign-on section. */
const GUIDES = [
	{ href: "/help/idp/entra#single-sign-on", label: "Microsoft Entra ID" },
	{ href: "/help/idp/okta#single-sign-on", label: "Okta" },
	{ href: "/help/idp/pingfederate#single-sign-on", label: "PingFederate" },
	{ href: "/help/idp/onelogin#single-sign-on", label: "OneLogin" },
] as const;

function valuesOf(settings: SsoSettings): SsoSettingsInput {
	return {
		enabled: settings.enabled,
		issuer: settings.issuer,
		clientId: settings.clientId,
		clientSecret: "",
		matchAttribute: settings.matchAttribute,
		matchClaim: settings.matchClaim,
	};
}

/** "Check issuer": discovers the issuer typed in the form (saved or not) and shows what it found. */
function CheckIssuer({ issuer }: { issuer: string }) {
	const trpc = useTRPC();
	const check = useMutation(trpc.sso.checkIssuer.mutationOptions());
	const result = check.data;
	return (
		<div className="flex flex-col gap-2">
			<div>
				<Button
					size="sm"
					busy={check.isPending}
					busyLabel="Checking…"
					disabled={issuer.trim() === ""}
					onClick={() => check.mutate({ issuer })}
				>
					Check issuer
				</Button>
			</div>
			{check.isError && <Notice tone="danger">{errorMessage(check.error)}</Notice>}
			{result?.ok === false && (
				<Notice tone="danger" title="The issuer does not work">
					{result.problem}
				</Notice>
			)}
			{result?.ok && (
				<Notice tone={result.notes.length > 0 ? "warning" : "success"} title="The issuer answers">
					<Facts
						items={[
							{ label: "Issuer", value: result.issuer },
							{ label: "Authorization endpoint", value: result.authorizationEndpoint ?? "none" },
							{ label: "Token endpoint", value: result.tokenEndpoint ?? "none" },
							{ label: "Signing keys", value: result.jwksUri ?? "none" },
						]}
					/>
					{result.notes.length > 0 && (
						<ul className="mt-2 list-disc pl-5">
							{result.notes.map((note) => (
								<li key={note}>{note}</li>
							))}
						</ul>
					)}
				</Notice>
			)}
		</div>
	);
}

/**
 * The organization's single sign-on (OpenID Connect): validated in the browser by the schema `sso.save`
 * uses. The client secret is write-only: the form shows only whether one is set, and "Replace" opens an
 * empty field for a new one; leaving it empty keeps the stored secret.
 */
function SsoForm({ settings }: { settings: SsoSettings }) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const [replacingSecret, setReplacingSecret] = useState(false);
	const form = useForm<SsoSettingsInput, unknown, SsoSettingsChange>({
		defaultValues: valuesOf(settings),
		resolver: zodResolver(ssoSettingsInput),
	});
	const { register, formState, handleSubmit, setError, reset, watch, setValue, getValues } = form;
	const save = useMutation(
		trpc.sso.save.mutationOptions({
			onSuccess: async (saved) => {
				reset(valuesOf({ ...settings, ...saved }));
				setReplacingSecret(false);
				await queryClient.invalidateQueries(trpc.sso.get.queryFilter());
			},
			onError: (error) => showServerErrors(setError, error),
		}),
	);
	const errors = formState.errors;
	const secretField = !settings.clientSecretSet || replacingSecret;

	const submit = handleSubmit((parsed) => {
		if (parsed.enabled && !settings.clientSecretSet && !parsed.clientSecret) {
			setError("clientSecret", {
				type: "required",
				message: "Enter the client secret to turn single sign-on on",
			});
			return;
		}
		save.mutate(parsed);
	});

	/** Switching the attribute brings its usual claim along, unless the administrator typed another. */
	const matchAttribute = register("matchAttribute", {
		onChange: (event: { target: { value: SsoMatchAttribute } }) => {
			const claim = getValues("matchClaim");
			if (Object.values(DEFAULT_MATCH_CLAIM).includes(claim)) {
				setValue("matchClaim", DEFAULT_MATCH_CLAIM[event.target.value], { shouldDirty: true });
			}
		},
	});

	return (
		<form onSubmit={submit} noValidate className="flex flex-col gap-4">
			<Checkbox label="Single sign-on is on for this organization" {...register("enabled")} />
			<Field
				label="Issuer"
				error={errors.issuer?.message}
				hint="The IdP's OpenID issuer URL, exactly as it names itself (https; plain http only for localhost)."
			>
				{(control) => (
					<TextInput
						{...control}
						{...register("issuer")}
						inputMode="url"
						spellCheck={false}
						placeholder="https://login.microsoftonline.com/{tenant-id}/v2.0"
					/>
				)}
			</Field>
			<CheckIssuer issuer={watch("issuer")} />
			<Field
				label="Client ID"
				error={errors.clientId?.message}
				hint="The application (client) id the IdP gave Roster."
			>
				{(control) => <TextInput {...control} {...register("clientId")} spellCheck={false} />}
			</Field>
			{secretField ? (
				<Field
					label={settings.clientSecretSet ? "New client secret" : "Client secret"}
					error={errors.clientSecret?.message}
					hint="Stored encrypted and never shown again."
				>
					{(control) => (
						<TextInput
							{...control}
							{...register("clientSecret")}
							type="password"
							autoComplete="new-password"
						/>
					)}
				</Field>
			) : (
				<div className="flex flex-wrap items-center gap-3 text-sm text-slate-800">
					<span>
						<span className="font-medium">Client secret:</span> set (not shown)
					</span>
					<Button size="sm" onClick={() => setReplacingSecret(true)}>
						Replace secret
					</Button>
				</div>
			)}
			<div className="grid gap-4 sm:grid-cols-2">
				<Field label="Match users by" error={errors.matchAttribute?.message}>
					{(control) => (
						<Select {...control} {...matchAttribute}>
							<LabelledOptions values={ssoMatchAttributes} labels={MATCH_LABELS} />
						</Select>
					)}
				</Field>
				<Field
					label="with the ID token claim"
					error={errors.matchClaim?.message}
					hint="preferred_username for Entra ID and Okta logins; sub for Okta user ids."
				>
					{(control) => <TextInput {...control} {...register("matchClaim")} spellCheck={false} />}
				</Field>
			</div>
			<SaveOrDiscard
				serverError={errors.root?.server?.message}
				saved={
					save.isSuccess &&
					!formState.isDirty && (
						<Notice tone="success" title="Single sign-on saved">
							{save.data.enabled
								? "People provisioned by your IdP can now sign in with it."
								: "Single sign-on is off."}
						</Notice>
					)
				}
				submitLabel="Save single sign-on"
				busy={save.isPending}
				canSave={formState.isDirty}
				canDiscard={formState.isDirty || replacingSecret}
				onDiscard={() => {
					reset(valuesOf(settings));
					setReplacingSecret(false);
				}}
			/>
		</form>
	);
}

/** The redirect URI to register at the IdP, with a copy button. */
function RedirectUri({ uri }: { uri: string }) {
	return (
		<div className="flex flex-col gap-1">
			<p className="text-sm font-medium text-slate-800">Redirect URI (paste it at your IdP)</p>
			<div className="flex flex-wrap items-center gap-2">
				<code className="min-w-0 rounded bg-slate-100 px-2 py-1 text-sm break-all text-slate-900">{uri}</code>
				<CopyButton text={uri} label="Copy redirect URI" />
			</div>
		</div>
	);
}

/** Settings' single sign-on section: the form, the redirect URI and the setup guides. */
export function SsoSection() {
	const trpc = useTRPC();
	const settings = useQuery(trpc.sso.get.queryOptions());
	return (
		<Section
			title="Single sign-on"
			description="Let the people your IdP provisions sign in to Roster through it (OpenID Connect, authorization code with PKCE)."
		>
			<QueryView query={settings} loadingLabel="Loading single sign-on…">
				{(data) => (
					<div className="flex flex-col gap-5">
						<RedirectUri uri={data.redirectUri} />
						<SsoForm settings={data} />
						<nav aria-label="Single sign-on setup guides" className="text-sm text-slate-700">
							Setup guides:{" "}
							{GUIDES.map((guide, index) => (
								<span key={guide.href}>
									{index > 0 && " · "}
									<a className="font-medium text-accent-700 underline" href={guide.href}>
										{guide.label}
									</a>
								</span>
							))}
						</nav>
					</div>
				)}
			</QueryView>
		</Section>
	);
}
