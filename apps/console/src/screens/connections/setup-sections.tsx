import { type IdpKind, idpPresets, scimBaseUrls } from "@roster/domain/inputs/connections";
import { CopyButton } from "../../ui/copy-button.tsx";
import { Section } from "../../ui/page.tsx";
import { SimpleTable } from "../../ui/simple-table.tsx";
import { GuideLink } from "../help/GuideLink.tsx";

function BaseUrl({ label, url, recommended }: { label: string; url: string; recommended: boolean }) {
	return (
		<div className="flex flex-col gap-1">
			<p className="text-sm font-medium text-slate-800">
				{label}
				{recommended && <span className="ml-2 text-xs font-normal text-slate-600">(paste this one)</span>}
			</p>
			<div className="flex flex-wrap items-center gap-2">
				<code className="min-w-0 rounded bg-slate-100 px-2 py-1 text-sm break-all text-slate-900">{url}</code>
				<CopyButton text={url} label={`Copy ${label.toLowerCase()}`} />
			</div>
		</div>
	);
}

/** The exact SCIM base URLs of the organization, both forms, marking the one the IdP's guide uses. */
export function BaseUrlsSection({
	idpKind,
	organizationSlug,
}: {
	idpKind: IdpKind;
	organizationSlug: string;
}) {
	const preset = idpPresets[idpKind];
	const urls = scimBaseUrls(window.location.origin, organizationSlug);
	return (
		<Section
			title="SCIM base URL"
			description="Either form works: the first finds the organization from the token, the second also names it (a token of another organization then gets 404)."
		>
			<div className="flex flex-col gap-3">
				<BaseUrl label="Base URL" url={urls.root} recommended={preset.baseUrl === "root"} />
				<BaseUrl
					label="Organization base URL"
					url={urls.organization}
					recommended={preset.baseUrl === "organization"}
				/>
			</div>
		</Section>
	);
}

/** The IdP's setup steps, what its own test sends, and what to know about it. */
export function SetupStepsSection({ idpKind }: { idpKind: IdpKind }) {
	const preset = idpPresets[idpKind];
	return (
		<Section title={`Set up ${preset.label}`} actions={<GuideLink idpKind={idpKind} section="scim" />}>
			<ol className="list-decimal space-y-1.5 pl-5 text-sm text-slate-800">
				{preset.steps.map((step) => (
					<li key={step}>{step}</li>
				))}
			</ol>
			<p className="mt-3 text-sm text-slate-700">
				Its own connection test sends <code className="rounded bg-slate-100 px-1">{preset.testRequest}</code>.
			</p>
			{preset.notes.length > 0 && (
				<ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-slate-700">
					{preset.notes.map((note) => (
						<li key={note}>{note}</li>
					))}
				</ul>
			)}
		</Section>
	);
}

/** The SCIM attributes the IdP sends by default and their sources in the IdP. */
export function AttributeMappingsSection({ idpKind }: { idpKind: IdpKind }) {
	const preset = idpPresets[idpKind];
	return (
		<Section
			title="Attribute mappings"
			description={`What ${preset.label} sends by default, and where it comes from.`}
			actions={<GuideLink idpKind={idpKind} section="attributes" />}
		>
			<SimpleTable
				caption={`${preset.label} attribute mappings`}
				headers={["SCIM attribute", `${preset.label} source`]}
				rows={preset.attributeMappings.map((mapping) => ({
					key: mapping.scim,
					cells: [
						<code key="scim" className="text-xs">
							{mapping.scim}
						</code>,
						mapping.source,
					],
				}))}
			/>
		</Section>
	);
}
