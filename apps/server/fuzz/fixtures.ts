import { GROUP_SCHEMA, USER_SCHEMA } from "@roster/scim";
import type { Fixtures } from "./request.ts";
import type { Transport } from "./runner.ts";

/** Users and groups the cases address by index (`@user3@`); cases delete only number 16 (`DELETABLE`). */
export const FIXTURE_COUNT = 20;

async function create(send: Transport, token: string, path: string, body: unknown): Promise<string> {
	const answer = await send({
		method: "POST",
		path: `/scim/v2${path}`,
		headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/scim+json" },
		body: JSON.stringify(body),
	});
	const id = answer.status === 201 ? (JSON.parse(answer.body) as { id?: unknown }).id : undefined;
	if (typeof id !== "string")
		throw new Error(`Creating a fixture at ${path} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
	return id;
}

/** Creates the fixtures through the SCIM API itself, as an IdP would, before any case runs. */
export async function createFixtures(send: Transport, token: string): Promise<Fixtures> {
	const userIds: string[] = [];
	for (let i = 0; i < FIXTURE_COUNT; i++) {
		userIds.push(
			await create(send, token, "/Users", {
				schemas: [USER_SCHEMA],
				userName: `fixture-${i}@example.test`,
				externalId: `fixture-${i}`,
				name: { givenName: "Fixture", familyName: String(i) },
				emails: [{ value: `fixture-${i}@example.test`, type: "work", primary: true }],
			}),
		);
	}
	const groupIds: string[] = [];
	for (let i = 0; i < FIXTURE_COUNT; i++) {
		groupIds.push(
			await create(send, token, "/Groups", {
				schemas: [GROUP_SCHEMA],
				displayName: `fixture group ${i}`,
				members: userIds.slice(0, 3).map((value) => ({ value })),
			}),
		);
	}
	return { token, userIds, groupIds };
}
