import type { Executor, Group } from "@roster/db";
import {
	GROUP_SCHEMA,
	groupResourceType,
	type JsonObject,
	type ProjectionOptions,
	project,
	projectsAttribute,
} from "@roster/scim";
import type { ScimContext } from "../provisioning/context.ts";
import { etag } from "../provisioning/preconditions.ts";
import { membersOf } from "./members.ts";

/** A group write or read: the stored row and the SCIM resource (with `members` only when the view wants them). */
export interface GroupResult {
	group: Group;
	resource: JsonObject;
}

/** Group attributes stored in `groups.attributes`; all of them feed role resolution. */
export const INHERITED = ["roles", "entitlements"] as const;

/**
 * Whether a response shaped by `attributes`/`excludedAttributes` shows `members` (judged by the projection's
 * own rules, so every spelling the projection accepts counts). When it does not, group_members is not read.
 */
export function wantsMembers(view: ProjectionOptions): boolean {
	return projectsAttribute(groupResourceType, view, { attr: "members" });
}

/** The SCIM Group for a row; `members` is left out entirely when not given. */
export function groupResource(ctx: ScimContext, group: Group, members?: JsonObject[]): JsonObject {
	return {
		schemas: [GROUP_SCHEMA],
		id: group.id,
		...(group.externalId !== null ? { externalId: group.externalId } : {}),
		displayName: group.displayName,
		...(members ? { members } : {}),
		...Object.fromEntries(
			INHERITED.flatMap((name) => (group.attributes[name] ? [[name, group.attributes[name]]] : [])),
		),
		meta: {
			resourceType: "Group",
			created: group.createdAt.toISOString(),
			lastModified: group.updatedAt.toISOString(),
			location: `${ctx.base}/Groups/${group.id}`,
			version: etag(group.version),
		},
	};
}

/**
 * Shapes a group for a response. An empty member list stays `"members": []` when members are wanted
 * (Entra expects it in the POST answer), though the generic projection drops empty lists.
 */
export function projectGroup(view: ProjectionOptions, resource: JsonObject): JsonObject {
	const projected = project(resource, groupResourceType, view);
	const { members } = resource;
	if (Array.isArray(members) && members.length === 0 && wantsMembers(view)) {
		const { meta, ...rest } = projected;
		return meta === undefined ? { ...rest, members: [] } : { ...rest, members: [], meta };
	}
	return projected;
}

/** The resources of a page of groups, their members read in one query when `view` shows them. */
export async function renderGroups(
	db: Executor,
	ctx: ScimContext,
	rows: Group[],
	view: ProjectionOptions,
): Promise<JsonObject[]> {
	const members = wantsMembers(view)
		? await membersOf(
				db,
				ctx.base,
				rows.map((group) => group.id),
			)
		: undefined;
	return rows.map((group) => groupResource(ctx, group, members?.get(group.id)));
}

/** One group's answer: rendered for `view` (members read from `db` when it shows them), or as stored without one. */
export async function groupAnswer(
	db: Executor,
	ctx: ScimContext,
	group: Group,
	view: ProjectionOptions | undefined,
): Promise<GroupResult> {
	if (!view) return { group, resource: groupResource(ctx, group) };
	const [rendered] = await renderGroups(db, ctx, [group], view);
	return { group, resource: rendered ?? groupResource(ctx, group) };
}
