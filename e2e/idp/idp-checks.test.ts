import { describe, expect, it } from "vitest";
import { IdpCheckFailure } from "./checks.ts";
import { FakeClock } from "./clock.ts";
import { Directory } from "./directory.ts";
import { EntraTenant } from "./entra.ts";
import type { FetchLike, JsonObject } from "./http.ts";
import { OktaTenant } from "./okta.ts";
import { ENTERPRISE } from "./urns.ts";

const LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
const ID = "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2";

function list(resources: JsonObject[], overrides: JsonObject = {}): JsonObject {
	return {
		schemas: [LIST],
		totalResults: resources.length,
		startIndex: 1,
		itemsPerPage: resources.length,
		Resources: resources,
		...overrides,
	};
}

type Answer = { status: number; body?: unknown };

/** A scripted SCIM server: answers by method and path prefix, with a sane default for everything else. */
function scripted(answers: Record<string, Answer>): FetchLike {
	return async (url, init) => {
		const path = new URL(url).pathname.replace("/scim/v2", "");
		const key = `${init.method} ${path}`;
		const answer =
			Object.entries(answers).find(([prefix]) => key.startsWith(prefix))?.[1] ?? defaultAnswer(init);
		const text = answer.body === undefined ? null : JSON.stringify(answer.body);
		return new Response(text, {
			status: answer.status,
			headers: { "Content-Type": "application/scim+json" },
		});
	};
}

function defaultAnswer(init: RequestInit): Answer {
	if (init.method === "GET") return { status: 200, body: list([]) };
	if (init.method === "POST") return { status: 201, body: { id: ID, userName: "x", active: true } };
	if (init.method === "DELETE") return { status: 204 };
	return { status: 204 };
}

async function entraCycle(answers: Record<string, Answer>, withGroup = false): Promise<unknown> {
	const clock = new FakeClock();
	const directory = new Directory(clock);
	const user = directory.hire({ givenName: "Check", surname: "Me" });
	if (withGroup) directory.createGroup("Checked", [user.id]);
	const tenant = new EntraTenant({
		flag: false,
		directory,
		clock,
		baseUrl: "http://scim.test/scim/v2",
		token: "t",
		fetch: scripted(answers),
	});
	return tenant.cycle().catch((error: unknown) => error);
}

async function oktaSync(answers: Record<string, Answer>): Promise<unknown> {
	const clock = new FakeClock();
	const directory = new Directory(clock);
	directory.hire({ givenName: "Check", surname: "Me", roles: ["r"] });
	const tenant = new OktaTenant({
		app: "oin",
		directory,
		clock,
		baseUrl: "http://scim.test/scim/v2",
		token: "t",
		fetch: scripted(answers),
	});
	return tenant.sync().catch((error: unknown) => error);
}

function codeOf(outcome: unknown): string | undefined {
	return outcome instanceof IdpCheckFailure ? outcome.code : undefined;
}

describe("the mock tenants refuse answers the real IdPs refuse", () => {
	it.each<[string, Record<string, Answer>, string]>([
		[
			"lower-case resources",
			{ "GET /Users": { status: 200, body: { ...list([]), Resources: undefined, resources: [] } } },
			"SystemForCrossDomainIdentityManagementServiceIncompatible",
		],
		[
			"totalResults as a string",
			{ "GET /Users": { status: 200, body: list([], { totalResults: "0" }) } },
			"SystemForCrossDomainIdentityManagementServiceIncompatible",
		],
		[
			"a lookup with two matches",
			{ "GET /Users": { status: 200, body: list([{ id: "a" }, { id: "b" }]) } },
			"DuplicateTargetEntries",
		],
		[
			"a 201 without id",
			{ "POST /Users": { status: 201, body: { userName: "x" } } },
			"SystemForCrossDomainIdentityManagementServiceIncompatible",
		],
		[
			"a string manager",
			{ "POST /Users": { status: 201, body: { id: ID, [ENTERPRISE]: { manager: "m" } } } },
			"SystemForCrossDomainIdentityManagementServiceIncompatible",
		],
	])("Entra: %s", async (_label, answers, code) => {
		expect(codeOf(await entraCycle(answers))).toBe(code);
	});

	it("Entra: a group lookup that returns excluded members", async () => {
		const answers = {
			"GET /Groups": { status: 200, body: list([{ id: ID, displayName: "Checked", members: [] }]) },
		};
		expect(codeOf(await entraCycle(answers, true))).toBe(
			"SystemForCrossDomainIdentityManagementMultipleEntriesInResponse",
		);
	});

	it("Entra: a PATCH answered 200 without a body", async () => {
		const answers = { "PATCH /Groups": { status: 200 } };
		expect(codeOf(await entraCycle(answers, true))).toBe(
			"SystemForCrossDomainIdentityManagementServiceIncompatible",
		);
	});

	it("Entra: a 5xx on POST is recorded as ServerError and escrowed, not thrown", async () => {
		const events = await entraCycle({ "POST /Users": { status: 500, body: { detail: "boom" } } });
		expect((events as { code: string }[]).map((event) => event.code)).toEqual(["ServerError"]);
	});

	it("Entra: a 409 on POST is recorded as EntryConflict, not thrown", async () => {
		const events = await entraCycle({ "POST /Users": { status: 409, body: { status: "409" } } });
		expect((events as { code: string }[]).map((event) => event.code)).toEqual(["EntryConflict"]);
	});

	it.each<[string, Record<string, Answer>, string]>([
		["an empty 201", { "POST /Users": { status: 201 } }, "Create new user returned empty user"],
		[
			"roles as objects",
			{ "POST /Users": { status: 201, body: { id: ID, roles: [{ value: "r" }] } } },
			"Invalid value data type",
		],
		[
			"a password in the answer",
			{ "POST /Users": { status: 201, body: { id: ID, password: "x" } } },
			"Password returned",
		],
	])("Okta: %s", async (_label, answers, code) => {
		expect(codeOf(await oktaSync(answers))).toBe(code);
	});
});
