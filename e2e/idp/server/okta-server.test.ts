import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScimClient } from "../../../apps/server/test/scim/harness.ts";
import { type RosterUnderTest, startListeningRoster } from "../roster.fixture.ts";
import { tenantApi } from "./api-client.ts";
import { type MockTenant, startMockTenant } from "./start.ts";

let roster: RosterUnderTest & { origin: string };
beforeAll(async () => {
	roster = await startListeningRoster();
});
afterAll(async () => {
	await roster.close();
});

interface Person {
	id: string;
	userPrincipalName: string;
	rosterId: string | null;
}
interface Logs {
	tasks: { id: number; objectId: string; reason: string }[];
	systemLog: {
		displayMessage: string;
		objectId: string;
		outcome: string;
		steps: { method: string; status: number }[];
	}[];
}

describe("the Okta OIN tenant server pushes each change at once", () => {
	let tenant: MockTenant;
	let api: ReturnType<typeof tenantApi>;
	let admin: ScimClient;
	const org = "server-okta";
	const person = async (id: string) =>
		(await api<{ users: Person[] }>("GET", "/state")).users.find((user) => user.id === id) as Person;
	const logs = () => api<Logs>("GET", "/logs");

	beforeAll(async () => {
		const connection = await roster.connect(org, "okta");
		admin = connection.admin;
		tenant = await startMockTenant({
			kind: "okta-oin",
			rosterBaseUrl: roster.origin,
			token: connection.token,
		});
		api = tenantApi(tenant.url);
		await api("POST", "/provisioning/start");
	});
	afterAll(async () => {
		await tenant.stop();
	});

	it("an assignment is pushed before the API call returns: Okta ids, externalId = the Okta user id", async () => {
		const hired = await api<Person>("POST", "/users", {
			givenName: "Katherine",
			surname: "Johnson",
			assign: true,
		});
		expect(hired.id).toMatch(/^00u[0-9A-Za-z]{17}$/);
		const { rosterId } = await person(hired.id);
		expect((await admin("GET", `/Users/${rosterId}`)).body).toMatchObject({
			userName: hired.userPrincipalName,
			externalId: hired.id,
			active: true,
		});
		expect((await logs()).systemLog.at(-1)).toMatchObject({
			displayMessage: "Push new user to app",
			outcome: "SUCCESS",
		});
	});

	it("deactivating a person sends the path-less PATCH {active:false} at once; Okta never DELETEs", async () => {
		const hired = await api<Person>("POST", "/users", {
			givenName: "Dorothy",
			surname: "Vaughan",
			assign: true,
		});
		const { rosterId } = await person(hired.id);
		await api("POST", `/users/${hired.id}/disable`);
		expect((await admin("GET", `/Users/${rosterId}`)).body).toMatchObject({ active: false });
		const event = (await logs()).systemLog.at(-1);
		expect(event).toMatchObject({ displayMessage: "Deactivate user in app", outcome: "SUCCESS" });
		expect(event?.steps.map((step) => `${step.method} ${step.status}`)).toEqual(["PATCH 200"]);
		await api("POST", `/users/${hired.id}/purge`);
		expect((await admin("GET", `/Users/${rosterId}`)).status).toBe(200);
		expect(tenant.control.tenant.http.exchanges.some((exchange) => exchange.method === "DELETE")).toBe(false);
	});

	it("a pushed group and its membership changes go out at once; Push Now re-sends the full set", async () => {
		const a = await api<Person>("POST", "/users", { givenName: "Mary", surname: "Jackson", assign: true });
		const b = await api<Person>("POST", "/users", {
			givenName: "Christine",
			surname: "Darden",
			assign: true,
		});
		const group = await api<{ id: string }>("POST", "/groups", {
			displayName: "Langley",
			members: [a.id],
			push: true,
		});
		await api("POST", `/groups/${group.id}/members`, { add: [b.id] });
		const state = await api<{ groups: { id: string; rosterId: string }[] }>("GET", "/state");
		const rosterGroup = state.groups.find((item) => item.id === group.id)?.rosterId;
		const members = (await admin("GET", `/Groups/${rosterGroup}`)).body?.members as { value: string }[];
		expect(members.map((member) => member.value).sort()).toEqual(
			[(await person(a.id)).rosterId, (await person(b.id)).rosterId].sort(),
		);
		const mark = tenant.control.tenant.http.exchanges.length;
		await api("POST", `/groups/${group.id}/push-now`);
		const sent = tenant.control.tenant.http.exchanges.slice(mark);
		expect(sent.map((exchange) => exchange.requestBody)).toMatchObject([
			{ Operations: [{ op: "replace", path: "members" }] },
		]);
	});

	it("a task failed by a revoked token waits in Tasks (nothing more is sent for that person) until Retry", async () => {
		const hired = await api<Person>("POST", "/users", {
			givenName: "Annie",
			surname: "Easley",
			assign: true,
		});
		await roster.revoke(org, "okta");
		await api("PATCH", `/users/${hired.id}`, { jobTitle: "Mathematician" });
		const { tasks } = await logs();
		expect(tasks).toEqual([
			expect.objectContaining({ objectId: hired.id, reason: expect.stringMatching(/Authentication failed/) }),
		]);
		const mark = tenant.control.tenant.http.exchanges.length;
		await api("PATCH", `/users/${hired.id}`, { jobTitle: "Computer scientist" });
		expect(tenant.control.tenant.http.exchanges.length).toBe(mark);

		const fresh = await roster.harness.issueToken(org, "okta", "okta");
		await api("PUT", "/provisioning", { scimUrl: `${roster.origin}/scim/v2`, token: fresh });
		admin = roster.harness.clientFor(fresh);
		await api("POST", `/tasks/${tasks[0]?.id}/retry`);
		expect((await logs()).tasks).toEqual([]);
		const { rosterId } = await person(hired.id);
		expect((await admin("GET", `/Users/${rosterId}`)).body).toMatchObject({ title: "Computer scientist" });
	});

	it("throttled by Roster (25 requests/s), the pushes wait out Retry-After and every task completes", async () => {
		await roster.configure(org, { rateLimit: { requestsPerSecond: 25 } });
		try {
			const mark = tenant.control.tenant.http.exchanges.length;
			for (let i = 0; i < 20; i++)
				await api("POST", "/users", { givenName: "Rate", surname: `Limited${i}`, assign: true });
			const sent = tenant.control.tenant.http.exchanges.slice(mark);
			const refused = sent.filter((exchange) => exchange.status === 429);
			expect(refused.length).toBeGreaterThan(0);
			for (const exchange of refused) {
				const retry = sent[sent.indexOf(exchange) + 1];
				const waited = (retry?.startedAt ?? 0) - exchange.startedAt;
				expect(waited).toBeGreaterThanOrEqual(Number(exchange.responseHeaders.get("retry-after")) * 1000 - 5);
			}
			expect((await logs()).tasks).toEqual([]);
		} finally {
			await roster.configure(org, {});
		}
	});
});
