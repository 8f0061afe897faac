import type { HttpBindings } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { ControlError, type TenantControl } from "./control.ts";
import {
	describeIssues,
	groupForm,
	hireForm,
	membersForm,
	profileForm,
	provisioningForm,
	redirectForm,
	renameForm,
} from "./inputs.ts";
import { renderView, type ViewContext } from "./views.ts";

export type PortalEnv = { Bindings: HttpBindings };

/** A submitted form as plain values: repeated fields become arrays, files are ignored. */
async function formValues(c: Context<PortalEnv>): Promise<Record<string, string | string[]>> {
	const body = await c.req.parseBody({ all: true });
	const out: Record<string, string | string[]> = {};
	for (const [key, value] of Object.entries(body)) {
		if (typeof value === "string") out[key] = value;
		else if (Array.isArray(value))
			out[key] = value.filter((item): item is string => typeof item === "string");
	}
	return out;
}

/** Optional text fields a form always posts: "" means "clear" on a profile and "absent" on a hire. */
function withoutEmpty(values: Record<string, string | string[]>, keep: string[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(values)) {
		if (value === "" && !keep.includes(key)) continue;
		out[key] = value;
	}
	return out;
}

/** The status and message for an operation that was refused, or undefined for an unexpected error. */
export function refusalOf(error: unknown): { status: 400 | 404 | 409; message: string } | undefined {
	if (error instanceof ControlError) return { status: error.status, message: error.message };
	if (error instanceof z.ZodError) return { status: 400, message: describeIssues(error) };
	return undefined;
}

/**
 * The portal's pages (GET) and forms (POST, then 303 back with a notice). A refused form renders the page
 * again with the error and a 4xx status.
 */
export function portalRoutes(ctx: () => ViewContext): Hono<PortalEnv> {
	const app = new Hono<PortalEnv>();
	const control = (): TenantControl => ctx().control;

	const show = (
		c: Context<PortalEnv>,
		path: string,
		messages: { notice?: string; error?: string },
		status = 200,
	) => {
		const body = renderView(ctx(), path, new URL(c.req.url).searchParams, messages);
		if (body === undefined)
			return c.html(
				renderView(ctx(), "/users", new URLSearchParams(), { error: "That page does not exist." }) ?? "",
				404,
			);
		return c.html(body, status as 200);
	};

	/** Runs a form's operation; success goes back to `back` with `notice`, a refusal re-renders `back`. */
	const act = async (
		c: Context<PortalEnv>,
		back: string,
		work: () => Promise<string | undefined> | string | undefined,
	) => {
		try {
			const notice = await work();
			return c.redirect(notice ? `${back}?notice=${encodeURIComponent(notice)}` : back, 303);
		} catch (error) {
			const refusal = refusalOf(error);
			if (!refusal) throw error;
			const page =
				renderView(ctx(), back, new URLSearchParams(), { error: refusal.message }) ??
				renderView(ctx(), "/users", new URLSearchParams(), { error: refusal.message });
			return c.html(page ?? refusal.message, refusal.status);
		}
	};

	app.get("/", (c) => c.redirect("/provisioning", 303));
	for (const path of ["/provisioning", "/users", "/groups", "/logs", "/sso"]) {
		app.get(path, (c) => show(c, path, { notice: c.req.query("notice") }));
	}
	app.get("/users/:id", (c) => show(c, `/users/${c.req.param("id")}`, { notice: c.req.query("notice") }));
	app.get("/groups/:id", (c) => show(c, `/groups/${c.req.param("id")}`, { notice: c.req.query("notice") }));
	app.get("/sso/redirect-uri-not-set", (c) =>
		show(c, "/sso", { error: "No redirect URI is registered yet: paste Roster's callback URL below." }, 400),
	);

	app.post("/provisioning", (c) =>
		act(c, "/provisioning", async () => {
			await control().configure(provisioningForm.parse(await formValues(c)));
			return "Saved.";
		}),
	);
	app.post("/provisioning/test", (c) =>
		act(c, "/provisioning", async () => {
			const failure = await control().testConnection();
			if (failure) throw new ControlError(409, `The connection test failed: ${failure.message}`);
			return "The supplied credentials are authorized to enable provisioning.";
		}),
	);
	app.post("/provisioning/start", (c) =>
		act(c, "/provisioning", async () => {
			await control().start();
			return "Provisioning is on.";
		}),
	);
	app.post("/provisioning/stop", (c) =>
		act(c, "/provisioning", () => {
			control().stop();
			return "Provisioning is off.";
		}),
	);
	app.post("/provisioning/cycle", (c) =>
		act(c, "/provisioning", async () => {
			await control().runCycle();
			return "The cycle ran; see the provisioning logs.";
		}),
	);
	app.post("/provisioning/restart", (c) =>
		act(c, "/provisioning", async () => {
			await control().restart();
			return "Provisioning was restarted: escrow, quarantine and the id cache are cleared.";
		}),
	);

	app.post("/users", (c) =>
		act(c, "/users", async () => {
			const user = await control().hire(
				hireForm.parse(withoutEmpty(await formValues(c), ["roles", "givenName", "surname"])),
			);
			return `Created ${user.userPrincipalName}.`;
		}),
	);
	app.post("/users/:id", (c) =>
		act(c, `/users/${c.req.param("id")}`, async () => {
			await control().updateUser(c.req.param("id"), profileForm.parse(await formValues(c)));
			return "Profile saved.";
		}),
	);
	const userActions = ["assign", "unassign", "disable", "enable", "soft-delete", "restore", "purge"] as const;
	for (const action of userActions) {
		app.post(`/users/:id/${action}`, (c) =>
			act(c, action === "purge" ? "/users" : `/users/${c.req.param("id")}`, async () => {
				await control().userAction(c.req.param("id"), action);
				return `Done: ${action.replace("-", " ")}.`;
			}),
		);
	}
	app.post("/users/:id/provision-on-demand", (c) =>
		act(c, `/users/${c.req.param("id")}`, async () => {
			const rows = await control().provisionOnDemand(c.req.param("id"));
			if (rows.length === 0) return "Provision on demand: nothing to change.";
			return `Provision on demand: ${rows.map((row) => `${row.action} ${row.objectType} ${row.status}${row.errorCode ? ` (${row.errorCode})` : ""}`).join("; ")}.`;
		}),
	);

	app.post("/groups", (c) =>
		act(c, "/groups", async () => {
			const group = await control().createGroup(groupForm.parse(await formValues(c)));
			return `Created ${group.displayName}.`;
		}),
	);
	app.post("/groups/:id", (c) =>
		act(c, `/groups/${c.req.param("id")}`, async () => {
			await control().renameGroup(c.req.param("id"), renameForm.parse(await formValues(c)).displayName);
			return "Renamed.";
		}),
	);
	app.post("/groups/:id/members", (c) =>
		act(c, `/groups/${c.req.param("id")}`, async () => {
			await control().changeMembers(c.req.param("id"), membersForm.parse(await formValues(c)));
			return "Members changed.";
		}),
	);
	for (const action of ["assign", "unassign", "push", "unpush", "delete"] as const) {
		app.post(`/groups/:id/${action}`, (c) =>
			act(c, action === "delete" ? "/groups" : `/groups/${c.req.param("id")}`, async () => {
				await control().groupAction(c.req.param("id"), action);
				return `Done: ${action}.`;
			}),
		);
	}
	app.post("/groups/:id/push-now", (c) =>
		act(c, `/groups/${c.req.param("id")}`, async () => {
			await control().pushNow(c.req.param("id"));
			return "Push Now sent the full membership.";
		}),
	);

	const taskId = (c: Context<PortalEnv>) => {
		const id = Number(c.req.param("id"));
		if (!Number.isInteger(id)) throw new ControlError(404, "There is no such task.");
		return id;
	};
	app.post("/tasks/:id/retry", (c) =>
		act(c, "/logs", async () => {
			await control().retryTask(taskId(c));
			return "The task was retried.";
		}),
	);
	app.post("/tasks/:id/dismiss", (c) =>
		act(c, "/logs", async () => {
			await control().dismissTask(taskId(c));
			return "The task was dismissed.";
		}),
	);

	app.post("/sso", (c) =>
		act(c, "/sso", async () => {
			control().setRedirectUris(redirectForm.parse(await formValues(c)).redirectUris);
			return "Redirect URIs saved; the application is registered with them.";
		}),
	);
	return app;
}
