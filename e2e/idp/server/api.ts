import { type Context, Hono } from "hono";
import type { DirectoryUser } from "../directory.ts";
import { type Exchange, redactHeaders } from "../http.ts";
import { ControlError, type TenantControl } from "./control.ts";
import {
	groupForm,
	hireForm,
	membersForm,
	profileForm,
	provisioningForm,
	redirectForm,
	renameForm,
} from "./inputs.ts";
import { type PortalEnv, refusalOf } from "./portal.ts";

/** An exchange for a reader: the secret masked, headers as a plain object. */
function stepJson(step: Exchange) {
	return {
		method: step.method,
		path: step.path,
		startedAt: step.startedAt,
		elapsedMs: step.elapsedMs,
		requestHeaders: redactHeaders(step.requestHeaders),
		requestBody: step.requestBody,
		status: step.status,
		responseHeaders: Object.fromEntries(step.responseHeaders),
		responseBody: step.text,
	};
}

function userJson(control: TenantControl, user: DirectoryUser) {
	return {
		...user,
		assigned: control.directory.assignedUsers.has(user.id),
		inScope: control.directory.isActiveInScope(user.id),
		rosterId: control.tenant.rosterUserId(user.id) ?? null,
	};
}

/** The tenant's state as the JSON API returns it. */
export function stateJson(control: TenantControl, issuer: string) {
	const { directory } = control;
	return {
		kind: control.kind,
		issuer,
		provisioning: {
			scimUrl: control.scimUrl,
			tokenSet: control.tokenSet,
			enabled: control.enabled,
			scope: directory.scope,
			lastError: control.lastError ?? null,
			...(control.entra
				? { job: { ...control.entra.status(), quarantine: control.entra.status().quarantine ?? null } }
				: {}),
			...(control.okta ? { openTasks: [...control.okta.openTasks.values()] } : {}),
		},
		sso: {
			clientId: control.clientId,
			clientSecret: control.clientSecret,
			redirectUris: control.redirectUris,
		},
		users: [...directory.users.values()].map((user) => userJson(control, user)),
		groups: [...directory.groups.values()].map((group) => ({
			id: group.id,
			displayName: group.displayName,
			members: [...group.members],
			assigned: directory.assignedGroups.has(group.id),
			pushed: directory.pushedGroups.has(group.id),
			rosterId: control.tenant.rosterGroupId(group.id) ?? null,
		})),
	};
}

/** Reads a JSON body; anything but a JSON object is a 400. */
async function jsonBody(c: Context<PortalEnv>): Promise<Record<string, unknown>> {
	let value: unknown;
	try {
		value = await c.req.json();
	} catch {
		throw new ControlError(400, "The body must be JSON.");
	}
	if (typeof value !== "object" || value === null || Array.isArray(value)) {
		throw new ControlError(400, "The body must be a JSON object.");
	}
	return value as Record<string, unknown>;
}

/**
 * The JSON control API (`/api/…`, e2e/idp/README.md): the same operations as the pages, for specs and
 * benchmarks. Refusals answer 4xx `{ "error": "…" }`.
 */
export function apiRoutes(control: () => TenantControl, issuer: () => string): Hono<PortalEnv> {
	const app = new Hono<PortalEnv>();
	const run = async (c: Context<PortalEnv>, work: () => Promise<unknown>, status: 200 | 201 = 200) => {
		try {
			const result = await work();
			return c.json(result ?? stateJson(control(), issuer()), status);
		} catch (error) {
			const refusal = refusalOf(error);
			if (!refusal) throw error;
			return c.json({ error: refusal.message }, refusal.status);
		}
	};
	const userOf = (c: Context<PortalEnv>) => userJson(control(), control().user(c.req.param("id") ?? ""));

	app.get("/state", (c) => c.json(stateJson(control(), issuer())));
	app.put("/provisioning", (c) =>
		run(c, async () =>
			control()
				.configure(provisioningForm.parse(await jsonBody(c)))
				.then(() => undefined),
		),
	);
	app.post("/provisioning/test", (c) =>
		run(c, async () => {
			const failure = await control().testConnection();
			return { ok: failure === undefined, error: failure ?? null };
		}),
	);
	app.post("/provisioning/start", (c) =>
		run(c, () =>
			control()
				.start()
				.then(() => undefined),
		),
	);
	app.post("/provisioning/stop", (c) => run(c, async () => control().stop()));
	app.post("/provisioning/cycle", (c) =>
		run(c, () =>
			control()
				.runCycle()
				.then(() => undefined),
		),
	);
	app.post("/provisioning/restart", (c) =>
		run(c, () =>
			control()
				.restart()
				.then(() => undefined),
		),
	);

	app.post("/users", (c) =>
		run(
			c,
			async () => {
				const user = await control().hire(hireForm.parse(await jsonBody(c)));
				return userJson(control(), user);
			},
			201,
		),
	);
	app.get("/users/:id", (c) => run(c, async () => userOf(c)));
	app.patch("/users/:id", (c) =>
		run(c, async () => {
			await control().updateUser(c.req.param("id"), profileForm.parse(await jsonBody(c)));
			return userOf(c);
		}),
	);
	for (const action of [
		"assign",
		"unassign",
		"disable",
		"enable",
		"soft-delete",
		"restore",
		"purge",
	] as const) {
		app.post(`/users/:id/${action}`, (c) =>
			run(c, async () => {
				await control().userAction(c.req.param("id"), action);
				return action === "purge" ? { purged: c.req.param("id") } : userOf(c);
			}),
		);
	}
	app.post("/users/:id/provision-on-demand", (c) =>
		run(c, async () => {
			const rows = await control().provisionOnDemand(c.req.param("id"));
			return { entries: rows.map((row) => ({ ...row, steps: row.steps.map(stepJson) })) };
		}),
	);

	app.post("/groups", (c) =>
		run(
			c,
			async () => {
				const group = await control().createGroup(groupForm.parse(await jsonBody(c)));
				return { id: group.id, displayName: group.displayName, members: [...group.members] };
			},
			201,
		),
	);
	app.patch("/groups/:id", (c) =>
		run(c, async () =>
			control()
				.renameGroup(c.req.param("id"), renameForm.parse(await jsonBody(c)).displayName)
				.then(() => undefined),
		),
	);
	app.post("/groups/:id/members", (c) =>
		run(c, async () =>
			control()
				.changeMembers(c.req.param("id"), membersForm.parse(await jsonBody(c)))
				.then(() => undefined),
		),
	);
	for (const action of ["assign", "unassign", "push", "unpush", "delete"] as const) {
		app.post(`/groups/:id/${action}`, (c) =>
			run(c, () =>
				control()
					.groupAction(c.req.param("id"), action)
					.then(() => undefined),
			),
		);
	}
	app.post("/groups/:id/push-now", (c) =>
		run(c, () =>
			control()
				.pushNow(c.req.param("id"))
				.then(() => undefined),
		),
	);

	app.get("/logs", (c) =>
		run(c, async () => {
			const entra = control().entra;
			const okta = control().okta;
			if (entra) return { entries: entra.entries.map((row) => ({ ...row, steps: row.steps.map(stepJson) })) };
			return {
				tasks: okta ? [...okta.openTasks.values()] : [],
				failedTasks: okta?.failedTasks ?? [],
				systemLog: (okta?.systemLog ?? []).map((event) => ({ ...event, steps: event.steps.map(stepJson) })),
			};
		}),
	);
	const taskId = (c: Context<PortalEnv>) => {
		const id = Number(c.req.param("id"));
		if (!Number.isInteger(id)) throw new ControlError(404, "There is no such task.");
		return id;
	};
	app.post("/tasks/:id/retry", (c) =>
		run(c, () =>
			control()
				.retryTask(taskId(c))
				.then(() => undefined),
		),
	);
	app.post("/tasks/:id/dismiss", (c) =>
		run(c, () =>
			control()
				.dismissTask(taskId(c))
				.then(() => undefined),
		),
	);

	app.put("/sso", (c) =>
		run(c, async () => {
			control().setRedirectUris(redirectForm.parse(await jsonBody(c)).redirectUris);
			return undefined;
		}),
	);
	app.notFound((c) => c.json({ error: "No such API route." }, 404));
	return app;
}
