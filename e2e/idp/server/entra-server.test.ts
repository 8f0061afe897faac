import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScimClient } from "../../../apps/server/test/scim/harness.ts";
import { FakeClock, HOUR, MINUTE } from "../clock.ts";
import type { JsonObject } from "../http.ts";
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

interface State {
	users: { id: string; userPrincipalName: string; rosterId: string | null }[];
	provisioning: {
		enabled: boolean;
		job: {
			cycles: number;
			nextCycleAt: number;
			quarantine: { reason: string; error: { code: string }; seriesCount: number } | null;
			escrow: { sourceId: string; code: string; failures: number; nextAttemptAt?: number }[];
		};
	};
}

interface LogRow {
	action: string;
	sourceId: string;
	status: string;
	errorCode?: string;
	message?: string;
	steps: {
		method: string;
		path: string;
		status: number;
		requestHeaders: Record<string, string>;
		requestBody: unknown;
	}[];
}

describe("the Entra tenant server against a listening Roster", () => {
	const clock = new FakeClock();
	let tenant: MockTenant;
	let api: ReturnType<typeof tenantApi>;
	let admin: ScimClient;
	const org = "server-entra";
	const state = () => api<State>("GET", "/state");
	const logs = async () => (await api<{ entries: LogRow[] }>("GET", "/logs")).entries;
	const hire = (givenName: string, surname: string, extra: JsonObject = {}) =>
		api<{ id: string; userPrincipalName: string }>("POST", "/users", {
			givenName,
			surname,
			assign: true,
			...extra,
		});
	const rosterIdOf = async (directoryId: string) =>
		(await state()).users.find((user) => user.id === directoryId)?.rosterId ?? null;

	beforeAll(async () => {
		const connection = await roster.connect(org, "entra");
		admin = connection.admin;
		tenant = await startMockTenant({
			kind: "entra",
			clock,
			rosterBaseUrl: roster.origin,
			token: connection.token,
		});
		api = tenantApi(tenant.url);
	});
	afterAll(async () => {
		await tenant.stop();
	});

	it("hire → Test Connection → Start provisioning: the initial cycle creates the user in Roster; the log shows the steps without the secret", async () => {
		const ada = await hire("Ada", "Lovelace", { department: "Engineering", jobTitle: "Engineer" });
		expect(await api("POST", "/provisioning/test")).toMatchObject({ ok: true });
		await api("POST", "/provisioning/start");
		const rosterId = await rosterIdOf(ada.id);
		expect(rosterId).toEqual(expect.any(String));
		const inRoster = await admin("GET", `/Users/${rosterId}`);
		expect(inRoster.body).toMatchObject({ userName: ada.userPrincipalName, active: true, title: "Engineer" });
		const [create] = (await logs()).filter((row) => row.sourceId === ada.id);
		expect(create).toMatchObject({ action: "Create", status: "Success" });
		expect(create?.steps.map((step) => `${step.method} ${step.status}`)).toEqual(["GET 200", "POST 201"]);
		expect(create?.steps[0]?.requestHeaders.Authorization).toBe("Bearer ********");
		const page = await (await fetch(`${tenant.url}/logs`)).text();
		expect(page).toContain("ada.lovelace@");
		expect(page).not.toContain(
			tenant.control.tenant.http.exchanges[0]?.requestHeaders.Authorization?.slice(7),
		);
	});

	it("escrow: a create Roster refuses is kept and retried — next cycle, then 6 h after the first failure — and succeeds once fixed", async () => {
		const grace = await hire("Grace", "Hopper");
		tenant.directory.updateProfile(grace.id, { jobTitle: "x".repeat(70_000) });
		await api("POST", "/provisioning/cycle");
		let escrow = (await state()).provisioning.job.escrow;
		expect(escrow).toEqual([
			expect.objectContaining({ sourceId: grace.id, code: "BadRequest", failures: 1 }),
		]);
		const failed = (await logs()).filter((row) => row.sourceId === grace.id);
		expect(failed.at(-1)).toMatchObject({ action: "Create", status: "Failure", errorCode: "BadRequest" });
		expect(failed.at(-1)?.message).toMatch(
			/StatusCode: BadRequest .* retried 0 times\. It will be retried again after this date/,
		);

		await api("POST", "/provisioning/cycle");
		escrow = (await state()).provisioning.job.escrow;
		expect(escrow[0]).toMatchObject({ failures: 2, nextAttemptAt: escrow[0] ? clock.now() + 6 * HOUR : 0 });
		const before = tenant.control.tenant.http.exchanges.length;
		await api("PATCH", `/users/${grace.id}`, { jobTitle: "Rear Admiral" });
		await api("POST", "/provisioning/cycle");
		expect(tenant.control.tenant.http.exchanges.length).toBe(before);

		clock.advance(6 * HOUR);
		await api("POST", "/provisioning/cycle");
		expect((await state()).provisioning.job.escrow).toEqual([]);
		expect((await logs()).filter((row) => row.sourceId === grace.id).at(-1)).toMatchObject({
			action: "Create",
			status: "Success",
		});
		const rosterId = await rosterIdOf(grace.id);
		expect((await admin("GET", `/Users/${rosterId}`)).body).toMatchObject({ title: "Rear Admiral" });
	});

	it("provision on demand pushes one user at once, outside the cycle", async () => {
		const alan = await hire("Alan", "Turing");
		const { entries } = await api<{ entries: LogRow[] }>("POST", `/users/${alan.id}/provision-on-demand`);
		expect(entries.map((row) => [row.action, row.status])).toEqual([["Create", "Success"]]);
		expect((await admin("GET", `/Users/${await rosterIdOf(alan.id)}`)).status).toBe(200);
		await api("POST", `/users/${alan.id}/disable`);
		const disabled = await api<{ entries: LogRow[] }>("POST", `/users/${alan.id}/provision-on-demand`);
		expect(disabled.entries.map((row) => [row.action, row.status])).toEqual([["Disable", "Success"]]);
		expect((await admin("GET", `/Users/${await rosterIdOf(alan.id)}`)).body).toMatchObject({ active: false });
	});

	it("quarantine after the token is revoked: every call 401, reason and back-off shown; Restart with a new token clears it and matches users again", async () => {
		await roster.revoke(org, "entra");
		const edsger = await hire("Edsger", "Dijkstra");
		await api("PATCH", `/users/${(await state()).users[0]?.id}`, { department: "Research" });
		const cycleAt = clock.now();
		await api("POST", "/provisioning/cycle");
		const job = (await state()).provisioning.job;
		expect(job.quarantine).toMatchObject({
			reason: "EncounteredQuarantineException",
			error: { code: "Unauthorized" },
			seriesCount: 1,
		});
		expect(job.nextCycleAt).toBe(cycleAt + 80 * MINUTE);
		const page = await (await fetch(`${tenant.url}/provisioning`)).text();
		expect(page).toContain("The application is in quarantine.");
		expect(page).toContain("EncounteredQuarantineException");

		const fresh = await roster.harness.issueToken(org, "entra", "entra");
		await api("PUT", "/provisioning", { scimUrl: `${roster.origin}/scim/v2`, token: fresh });
		const mark = tenant.control.tenant.http.exchanges.length;
		await api("POST", "/provisioning/restart");
		const after = await state();
		expect(after.provisioning.job.quarantine).toBeNull();
		expect(after.provisioning.job.escrow).toEqual([]);
		const sent = tenant.control.tenant.http.exchanges.slice(mark);
		const posts = sent.filter((exchange) => exchange.method === "POST" && exchange.path === "/Users");
		expect(posts.map((exchange) => (exchange.requestBody as JsonObject).userName)).toEqual([
			after.users.find((user) => user.id === edsger.id)?.userPrincipalName,
		]);
		// The initial cycle after a restart looks up every user in scope (Alan's sign-in is blocked: out of scope).
		const inScope = after.users.filter((user) => tenant.directory.isActiveInScope(user.id));
		const lookups = sent.filter(
			(exchange) => exchange.method === "GET" && exchange.path.startsWith("/Users?filter="),
		);
		expect(lookups).toHaveLength(inScope.length);
		expect(inScope.every((user) => user.rosterId !== null)).toBe(true);
	});

	it("a refused form answers 400 with the page and its error; an unknown user is 404", async () => {
		const bad = await fetch(`${tenant.url}/users`, {
			method: "POST",
			body: new URLSearchParams({ givenName: "", surname: "X" }),
		});
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain("givenName: is required");
		const missing = await fetch(`${tenant.url}/api/users/nope/disable`, { method: "POST" });
		expect(missing.status).toBe(404);
		const notJson = await fetch(`${tenant.url}/api/users`, { method: "POST", body: "{" });
		expect(notJson.status).toBe(400);
	});
});

describe("the entra-flag tenant server", () => {
	it("provision on demand uses the legacy shapes even with aadOptscim062020 (entra.md §1)", async () => {
		const connection = await roster.connect("server-entra-flag", "entra");
		const tenant = await startMockTenant({
			kind: "entra-flag",
			clock: new FakeClock(),
			rosterBaseUrl: roster.origin,
			token: connection.token,
		});
		try {
			const api = tenantApi(tenant.url);
			const user = await api<{ id: string }>("POST", "/users", {
				givenName: "Barbara",
				surname: "Liskov",
				assign: true,
			});
			await api("POST", "/provisioning/start");
			await api("POST", `/users/${user.id}/disable`);
			const { entries } = await api<{ entries: LogRow[] }>("POST", `/users/${user.id}/provision-on-demand`);
			const patch = entries[0]?.steps.find((step) => step.method === "PATCH");
			expect(patch?.path).toMatch(/\?aadOptscim062020$/);
			expect(patch?.requestBody).toMatchObject({
				Operations: [{ op: "Replace", path: "active", value: "False" }],
			});
		} finally {
			await tenant.stop();
		}
	});
});
