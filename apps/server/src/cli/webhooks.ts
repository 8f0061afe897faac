import type { Database } from "@roster/db";
import {
	createWebhookEndpoint,
	deleteWebhookEndpoint,
	listWebhookEndpoints,
	setWebhookEndpointEnabled,
} from "../events/webhook-endpoints.ts";
import { requireOrganization } from "../organizations/organizations.ts";
import type { Command } from "./command.ts";
import { need } from "./flags.ts";

const CLI_ACTOR = { type: "system", name: "cli" } as const;
const org = { flag: "org", value: "SLUG", required: true } as const;
const id = { flag: "id", value: "ID", required: true } as const;

/** A command that changes one endpoint of an organization by id. */
function endpointCommand(
	name: string,
	description: string,
	change: (db: Database, orgId: string, endpointId: string) => Promise<string>,
): Command {
	return {
		name,
		usage: [org, id],
		description,
		transaction: false,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			return [await change(db, organization.id, need(values, "id"))];
		},
	};
}

/** `webhook create|list|disable|enable|delete`: an organization's webhook endpoints. */
export const webhookCommands: Command[] = [
	{
		name: "webhook create",
		usage: [org, { flag: "url", value: "URL", required: true }, { flag: "description", value: "TEXT" }],
		description: "add a webhook endpoint; its whsec_ signing secret is shown once",
		transaction: false,
		async run({ db, values, secret, config }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const created = await createWebhookEndpoint(db, {
				orgId: organization.id,
				url: need(values, "url"),
				description: values.description,
				actor: CLI_ACTOR,
				secret,
				policy: { allowPrivateNetworks: config.webhookAllowPrivateNetworks },
			});
			return [
				`Created webhook endpoint ${created.endpoint.id} for ${created.endpoint.url}`,
				"Copy the signing secret now; it cannot be shown again:",
				created.signingSecret,
			];
		},
	},
	{
		name: "webhook list",
		usage: [org],
		description: "list the webhook endpoints and how far delivery has got",
		transaction: false,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const endpoints = await listWebhookEndpoints(db, organization.id);
			if (endpoints.length === 0) return ["No webhook endpoints"];
			return endpoints.map(
				(endpoint) =>
					`${endpoint.id}\t${endpoint.enabled ? "enabled" : "disabled"}\t${endpoint.url}\tdelivered through ${endpoint.deliveredThrough}${endpoint.lastError ? `\tlast error: ${endpoint.lastError}` : ""}`,
			);
		},
	},
	...[true, false].map((enabled) =>
		endpointCommand(
			enabled ? "webhook enable" : "webhook disable",
			enabled ? "resume delivery to an endpoint" : "pause delivery to an endpoint",
			async (db, orgId, endpointId) => {
				const endpoint = await setWebhookEndpointEnabled(db, {
					orgId,
					id: endpointId,
					enabled,
					actor: CLI_ACTOR,
				});
				return `${enabled ? "Enabled" : "Disabled"} webhook endpoint ${endpoint.id}`;
			},
		),
	),
	endpointCommand(
		"webhook delete",
		"delete an endpoint and its delivery log",
		async (db, orgId, endpointId) => {
			await deleteWebhookEndpoint(db, { orgId, id: endpointId, actor: CLI_ACTOR });
			return `Deleted webhook endpoint ${endpointId}`;
		},
	),
];
