import {
	createRoleMapping,
	deleteRoleMapping,
	listRoleMappings,
	type RoleMappingInput,
} from "../access/mappings.ts";
import { OperationError } from "../operation-error.ts";
import { requireOrganization } from "../organizations/organizations.ts";
import type { Command, Values } from "./command.ts";
import { need } from "./flags.ts";

const org = { flag: "org", value: "SLUG", required: true } as const;
const cli = { type: "system", name: "cli" } as const;

/** `mapping create`, `mapping list` and `mapping delete`. */
export const mappingCommands: Command[] = [
	{
		name: "mapping create",
		usage: [
			org,
			{
				oneOf: [
					[{ flag: "group", value: "NAME" }],
					[{ flag: "group-external-id", value: "ID" }],
					[{ flag: "role-pattern", value: "PATTERN" }],
				],
			},
			{
				oneOf: [
					[{ flag: "tier", value: "TIER" }],
					[
						{ flag: "project", value: "ID|SLUG|*" },
						{ flag: "project-role", value: "ROLE" },
					],
				],
			},
			{ flag: "priority", value: "N" },
		],
		description:
			"map an IdP group or role value to a tier or a project role; its users are recomputed at once",
		transaction: true,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const result = await createRoleMapping(db, {
				organization,
				mapping: mappingFromFlags(values),
				actor: cli,
			});
			return [
				`Created mapping ${result.mapping.id}`,
				`Access recomputed for ${result.usersRecomputed} users, ${result.usersChanged} changed`,
			];
		},
	},
	{
		name: "mapping list",
		usage: [org],
		description: "list the organization's role mappings in rank order",
		transaction: false,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			return (await listRoleMappings(db, organization)).map((mapping) => {
				const target =
					mapping.targetKind === "tier"
						? `tier ${mapping.tier}`
						: `${mapping.projectRole} on project ${mapping.projectSelector}`;
				return `${mapping.id}\t${mapping.matchKind} ${JSON.stringify(mapping.matchValue)} → ${target}\tpriority ${mapping.priority}`;
			});
		},
	},
	{
		name: "mapping delete",
		usage: [org, { flag: "id", value: "ID", required: true }],
		description: "remove a role mapping; its users are recomputed at once",
		transaction: true,
		async run({ db, values }) {
			const organization = await requireOrganization(db, need(values, "org"));
			const result = await deleteRoleMapping(db, { organization, id: need(values, "id"), actor: cli });
			return [
				`Deleted mapping ${result.mapping.id}`,
				`Access recomputed for ${result.usersRecomputed} users, ${result.usersChanged} changed`,
			];
		},
	},
];

/** Exactly one of the match flags and one target (a tier, or a project with a role) make a mapping. */
function mappingFromFlags(values: Values): RoleMappingInput {
	const matches = [
		["group_display_name", values.group],
		["group_external_id", values["group-external-id"]],
		["role_urn", values["role-pattern"]],
	] as const;
	const given = matches.filter(([, value]) => value !== undefined);
	const [match] = given;
	if (given.length !== 1 || !match) {
		throw new OperationError("invalid", "Give exactly one of --group, --group-external-id or --role-pattern");
	}
	const priority = values.priority === undefined ? undefined : Number(values.priority);
	if (values.tier !== undefined && (values.project !== undefined || values["project-role"] !== undefined)) {
		throw new OperationError("invalid", "Give either --tier or --project with --project-role, not both");
	}
	return {
		matchKind: match[0],
		matchValue: match[1] ?? "",
		...(values.tier !== undefined
			? { targetKind: "tier" as const, tier: values.tier.toUpperCase() as RoleMappingInput["tier"] }
			: {
					targetKind: "project_role" as const,
					projectSelector: values.project ?? null,
					projectRole: values["project-role"] ?? null,
				}),
		...(priority !== undefined ? { priority } : {}),
	};
}
