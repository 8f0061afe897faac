import type { DirectoryGroup, DirectoryUser } from "../directory.ts";
import type { ProvisioningLogEntry } from "../entra.ts";
import { type Exchange, redactHeaders } from "../http.ts";
import type { SystemLogEvent } from "../okta.ts";
import type { TenantControl } from "./control.ts";
import { actionButton, type Html, html, page, when } from "./html.ts";
import { MOCK_PASSWORD } from "./kinds.ts";

/** What a page shows beside its content: a notice after an action, or the error that stopped it. */
export interface Messages {
	notice?: string | undefined;
	error?: string | undefined;
}

/** Everything a page needs to know about where the tenant is served. */
export interface ViewContext {
	control: TenantControl;
	issuer: string;
}

const LOG_PAGE = 100;

function field(
	label: string,
	name: string,
	value = "",
	options: { type?: string; required?: boolean; placeholder?: string; autocomplete?: string } = {},
): Html {
	const id = `f-${name}`;
	return html`<label for="${id}">${label}</label><input id="${id}" name="${name}" type="${options.type ?? "text"}" value="${value}"${options.required ? html` required` : ""}${options.placeholder ? html` placeholder="${options.placeholder}"` : ""}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ""}>`;
}

function checkbox(label: string, name: string, checked: boolean): Html {
	return html`<label class="check"><input type="checkbox" name="${name}"${checked ? html` checked` : ""}> ${label}</label>`;
}

function userStatus(control: TenantControl, user: DirectoryUser): string {
	if (user.softDeletedAt !== undefined) return `Soft-deleted ${when(user.softDeletedAt)}`;
	if (!user.accountEnabled) return control.profile.vendor === "entra" ? "Sign-in blocked" : "Deactivated";
	return control.profile.vendor === "entra" ? "Enabled" : "Active";
}

function assignment(control: TenantControl, user: DirectoryUser): string {
	const { directory } = control;
	if (directory.assignedUsers.has(user.id)) return "Assigned";
	if (directory.isAssigned(user.id)) return directory.scope === "all" ? "In scope (all users)" : "Via group";
	return "Not assigned";
}

function rosterIdOf(control: TenantControl, user: DirectoryUser): string {
	return control.tenant.rosterUserId(user.id) ?? "—";
}

function managerOptions(control: TenantControl, selected: string | undefined, exclude?: string): Html {
	const users = [...control.directory.users.values()].filter((user) => user.id !== exclude);
	return html`<option value="">(none)</option>${users.map(
		(user) =>
			html`<option value="${user.id}"${user.id === selected ? html` selected` : ""}>${user.displayName} (${user.userPrincipalName})</option>`,
	)}`;
}

function profileFields(control: TenantControl, user?: DirectoryUser): Html {
	return html`${field("First name (givenName)", "givenName", user?.givenName, { required: true })}
${field("Last name (surname)", "surname", user?.surname, { required: true })}
${user ? field("Display name", "displayName", user.displayName, { required: true }) : ""}
${field("Job title", "jobTitle", user?.jobTitle)}
${field("Department", "department", user?.department)}
${field("Employee ID", "employeeId", user?.employeeId)}
<label for="f-managerId">Manager</label><select id="f-managerId" name="managerId">${managerOptions(control, user?.managerId, user?.id)}</select>
${field("Locale", "locale", user?.locale, { placeholder: "en-US" })}
<label for="f-roles">App roles (one per line)</label><textarea id="f-roles" name="roles">${user?.roles.join("\n") ?? ""}</textarea>`;
}

function provisioningView(ctx: ViewContext): Html {
	const { control } = ctx;
	const { profile } = control;
	const entra = control.entra;
	const form = html`<section class="card" aria-labelledby="admin-credentials"><h2 id="admin-credentials">${entra ? "Admin Credentials" : "Integration"}</h2>
<form method="post" action="/provisioning">
${field(profile.urlLabel, "scimUrl", control.scimUrl, { type: "url", required: true, placeholder: "http://127.0.0.1:8787/scim/v2" })}
${field(profile.tokenLabel, "token", "", { type: "password", autocomplete: "off", placeholder: control.tokenSet ? "saved — leave empty to keep it" : "" })}
${
	entra
		? html`<label for="f-scope">Scope</label><select id="f-scope" name="scope">
<option value="assigned"${control.directory.scope === "assigned" ? html` selected` : ""}>Sync only assigned users and groups</option>
<option value="all"${control.directory.scope === "all" ? html` selected` : ""}>Sync all users and groups</option></select>`
		: ""
}
<p><button type="submit">Save</button></p></form>
${actionButton("/provisioning/test", entra ? "Test Connection" : "Test API Credentials")}</section>`;
	const onOff = html`<section class="card" aria-labelledby="status"><h2 id="status">${entra ? "Provisioning Status" : "To App provisioning"}</h2>
<p>${entra ? "Provisioning Status" : "Create, update and deactivate users"}: <strong>${control.enabled ? "On" : "Off"}</strong></p>
${control.enabled ? actionButton("/provisioning/stop", entra ? "Stop provisioning" : "Disable") : actionButton("/provisioning/start", entra ? "Start provisioning" : "Enable")}
${entra ? actionButton("/provisioning/cycle", "Run cycle now") : ""}
${entra ? actionButton("/provisioning/restart", "Restart provisioning", { danger: true }) : ""}
${entra ? "" : html`<p class="muted">Okta pushes each change at once: an assignment, a profile edit, a deactivation or a membership change of a pushed group sends its task right away.</p>`}
${control.lastError ? html`<p class="error">Last error (${when(control.lastError.at)}): <code>${control.lastError.code}</code> ${control.lastError.message}</p>` : ""}
</section>`;
	if (!entra) {
		const open = control.okta?.openTasks.size ?? 0;
		return html`${form}${onOff}<p>${open === 0 ? "No failed tasks." : html`<a href="/logs">${open} failed task${open === 1 ? "" : "s"}</a> wait for Retry.`}</p>`;
	}
	const status = entra.status();
	const quarantine = status.quarantine;
	const current = status.disabled
		? "Disabled: in quarantine for more than four weeks"
		: quarantine
			? "Quarantine"
			: status.cycles === 0
				? "Initial cycle not run"
				: status.cycles === 1
					? "Initial cycle completed"
					: "Incremental cycle completed";
	return html`${form}${onOff}
<section class="card" aria-labelledby="current"><h2 id="current">Current cycle status</h2>
${quarantine ? html`<div class="warn" role="alert"><strong>The application is in quarantine.</strong> Reason: <code>${quarantine.reason}</code>; error <code>${quarantine.error.code}</code>: ${quarantine.error.message} In quarantine since ${when(quarantine.seriesBegan)}; next attempt ${when(quarantine.nextAttempt)}.</div>` : ""}
<dl class="facts"><dt>Status</dt><dd>${current}</dd><dt>Cycles run</dt><dd>${status.cycles}</dd>
<dt>Last cycle</dt><dd>${status.lastCycle ? `${when(status.lastCycle.began)} – ${when(status.lastCycle.ended)}: ${status.lastCycle.operations} operations, ${status.lastCycle.failures} failed` : "—"}</dd>
<dt>Next cycle</dt><dd>${control.enabled && !status.disabled ? when(status.nextCycleAt) : "— (provisioning is off)"}</dd>
<dt>Users provisioned</dt><dd>${entra.userAnchors.size}</dd><dt>Groups provisioned</dt><dd>${entra.groupAnchors.size}</dd></dl></section>
<section class="card" aria-labelledby="escrow"><h2 id="escrow">Escrowed operations</h2>
${
	status.escrow.length === 0
		? html`<p class="muted">None: every operation succeeded.</p>`
		: html`<div class="scroll"><table><thead><tr><th scope="col">Object</th><th scope="col">Error code</th><th scope="col">Failures</th><th scope="col">First failure</th><th scope="col">Next attempt</th></tr></thead><tbody>
${status.escrow.map((entry) => html`<tr><td>${entry.objectType} ${entry.sourceName}</td><td><code>${entry.code}</code></td><td>${entry.failures}</td><td>${when(entry.firstFailedAt)}</td><td>${entry.nextAttemptAt === undefined ? "not retried until restart" : when(entry.nextAttemptAt)}</td></tr>`)}
</tbody></table></div>`
}</section>`;
}

function usersView(ctx: ViewContext): Html {
	const { control } = ctx;
	const users = [...control.directory.users.values()];
	return html`<section class="card" aria-labelledby="hire"><h2 id="hire">${control.entra ? "New user" : "Add person"}</h2>
<form method="post" action="/users">${profileFields(control)}${checkbox("Assign to the app", "assign", true)}<p><button type="submit">Create</button></p></form></section>
<h2>${users.length} ${control.entra ? "users" : "people"}</h2>
<div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">${control.entra ? "User principal name" : "Username"}</th><th scope="col">Status</th><th scope="col">Assignment</th><th scope="col">Id in Roster</th></tr></thead><tbody>
${users.map((user) => html`<tr><td><a href="/users/${user.id}">${user.displayName}</a></td><td>${user.userPrincipalName}</td><td>${userStatus(control, user)}</td><td>${assignment(control, user)}</td><td><code>${rosterIdOf(control, user)}</code></td></tr>`)}
</tbody></table></div>`;
}

function userView(ctx: ViewContext, id: string): Html {
	const { control } = ctx;
	const user = control.user(id);
	const entra = control.entra !== undefined;
	const base = `/users/${user.id}`;
	const groups = [...control.directory.groups.values()].filter((group) => group.members.has(user.id));
	const actions = [
		control.directory.assignedUsers.has(user.id)
			? actionButton(`${base}/unassign`, "Unassign from the app")
			: actionButton(`${base}/assign`, "Assign to the app"),
		user.accountEnabled
			? actionButton(`${base}/disable`, entra ? "Block sign-in" : "Deactivate", { danger: true })
			: actionButton(`${base}/enable`, entra ? "Unblock sign-in" : "Activate"),
		entra
			? user.softDeletedAt === undefined
				? actionButton(`${base}/soft-delete`, "Delete (soft, 30 days)", { danger: true })
				: actionButton(`${base}/restore`, "Restore")
			: "",
		actionButton(`${base}/purge`, entra ? "Delete permanently" : "Delete", { danger: true }),
		entra ? actionButton(`${base}/provision-on-demand`, "Provision on demand") : "",
	];
	return html`<section class="card" aria-labelledby="facts"><h2 id="facts">${user.displayName}</h2>
<dl class="facts"><dt>Object id</dt><dd><code>${user.id}</code></dd><dt>${entra ? "User principal name" : "Username"}</dt><dd>${user.userPrincipalName}</dd>
<dt>Status</dt><dd>${userStatus(control, user)}</dd><dt>Assignment</dt><dd>${assignment(control, user)}</dd>
<dt>Id in Roster</dt><dd><code>${rosterIdOf(control, user)}</code></dd><dt>Groups</dt><dd>${groups.length === 0 ? "—" : groups.map((group, i) => html`${i > 0 ? ", " : ""}<a href="/groups/${group.id}">${group.displayName}</a>`)}</dd></dl>
<p>${actions}</p></section>
<section class="card" aria-labelledby="profile"><h2 id="profile">Profile</h2><form method="post" action="${base}">${profileFields(control, user)}<p><button type="submit">Save</button></p></form></section>`;
}

function groupsView(ctx: ViewContext): Html {
	const { control } = ctx;
	const okta = control.okta !== undefined;
	const groups = [...control.directory.groups.values()];
	const users = [...control.directory.users.values()];
	return html`<section class="card" aria-labelledby="new-group"><h2 id="new-group">New group</h2>
<form method="post" action="/groups">${field("Name", "displayName", "", { required: true })}
<label for="f-members">Members</label><select id="f-members" name="members" multiple size="6">${users.map((user) => html`<option value="${user.id}">${user.displayName} (${user.userPrincipalName})</option>`)}</select>
${checkbox("Assign to the app", "assign", !okta)}${okta ? checkbox("Push this group (Push Groups)", "push", true) : ""}
<p><button type="submit">Create</button></p></form></section>
<h2>${groups.length} groups</h2>
<div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">Members</th><th scope="col">Assigned</th>${okta ? html`<th scope="col">Pushed</th>` : ""}<th scope="col">Id in Roster</th></tr></thead><tbody>
${groups.map((group) => html`<tr><td><a href="/groups/${group.id}">${group.displayName}</a></td><td>${group.members.size}</td><td>${control.directory.assignedGroups.has(group.id) ? "Yes" : "No"}</td>${okta ? html`<td>${control.directory.pushedGroups.has(group.id) ? "Yes" : "No"}</td>` : ""}<td><code>${control.tenant.rosterGroupId(group.id) ?? "—"}</code></td></tr>`)}
</tbody></table></div>`;
}

function groupView(ctx: ViewContext, id: string): Html {
	const { control } = ctx;
	const group = control.directory.groups.get(id) as DirectoryGroup;
	const okta = control.okta !== undefined;
	const base = `/groups/${group.id}`;
	const members = [...group.members].flatMap((userId) => control.directory.users.get(userId) ?? []);
	const others = [...control.directory.users.values()].filter((user) => !group.members.has(user.id));
	const pushed = control.directory.pushedGroups.has(group.id);
	return html`<section class="card" aria-labelledby="group-facts"><h2 id="group-facts">${group.displayName}</h2>
<dl class="facts"><dt>Object id</dt><dd><code>${group.id}</code></dd><dt>Id in Roster</dt><dd><code>${control.tenant.rosterGroupId(group.id) ?? "—"}</code></dd></dl>
<p>${control.directory.assignedGroups.has(group.id) ? actionButton(`${base}/unassign`, "Unassign from the app") : actionButton(`${base}/assign`, "Assign to the app")}
${okta ? (pushed ? actionButton(`${base}/unpush`, "Unlink pushed group") : actionButton(`${base}/push`, "Push group")) : ""}
${okta && control.okta?.groupLinks.has(group.id) ? actionButton(`${base}/push-now`, "Push Now") : ""}
${actionButton(`${base}/delete`, "Delete group", { danger: true })}</p>
<form method="post" action="${base}">${field("Name", "displayName", group.displayName, { required: true })}<p><button type="submit">Rename</button></p></form></section>
<section class="card" aria-labelledby="members"><h2 id="members">Members (${members.length})</h2>
<form method="post" action="${base}/members"><label for="f-add">Add member</label><select id="f-add" name="add">${others.map((user) => html`<option value="${user.id}">${user.displayName} (${user.userPrincipalName})</option>`)}</select> <button type="submit">Add</button></form>
<div class="scroll"><table><thead><tr><th scope="col">Name</th><th scope="col">Username</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>
${members.map((user) => html`<tr><td><a href="/users/${user.id}">${user.displayName}</a></td><td>${user.userPrincipalName}</td><td><form method="post" action="${base}/members" class="inline"><input type="hidden" name="remove" value="${user.id}"><button type="submit" class="secondary" aria-label="Remove ${user.displayName}">Remove</button></form></td></tr>`)}
</tbody></table></div></section>`;
}

function stepsView(steps: Exchange[]): Html {
	if (steps.length === 0) return html`<span class="muted">no requests</span>`;
	return html`<details><summary>${steps.length} request${steps.length === 1 ? "" : "s"}</summary>${steps.map(
		(
			step,
		) => html`<p><strong>${step.method} ${step.path}</strong> → ${step.status} in ${step.elapsedMs.toFixed(0)} ms</p>
<pre>${JSON.stringify(redactHeaders(step.requestHeaders))}${step.requestBody === undefined ? "" : `\n${JSON.stringify(step.requestBody, null, 1)}`}</pre><pre>${step.text.slice(0, 4000) || "(empty body)"}</pre>`,
	)}</details>`;
}

function pageOf<T>(items: T[], pageNumber: number): { rows: T[]; pages: number } {
	const newest = [...items].reverse();
	const pages = Math.max(1, Math.ceil(newest.length / LOG_PAGE));
	const index = Math.min(Math.max(1, pageNumber), pages);
	return { rows: newest.slice((index - 1) * LOG_PAGE, index * LOG_PAGE), pages };
}

function pager(pageNumber: number, pages: number, status: string): Html {
	if (pages <= 1) return html``;
	const link = (n: number, label: string) =>
		html`<a href="/logs?page=${n}${status ? `&status=${status}` : ""}">${label}</a>`;
	return html`<p>Page ${pageNumber} of ${pages}. ${pageNumber > 1 ? link(pageNumber - 1, "Newer") : ""} ${pageNumber < pages ? link(pageNumber + 1, "Older") : ""}</p>`;
}

function entraLogView(entries: ProvisioningLogEntry[], pageNumber: number, status: string): Html {
	const filtered = status ? entries.filter((entry) => entry.status === status) : entries;
	const { rows, pages } = pageOf(filtered, pageNumber);
	return html`<form method="get" action="/logs" class="card"><label for="f-status">Status</label><select id="f-status" name="status">
${["", "Success", "Failure", "Skipped"].map((value) => html`<option value="${value}"${value === status ? html` selected` : ""}>${value || "All"}</option>`)}</select> <button type="submit">Apply</button></form>
<p>${filtered.length} rows, newest first.</p>${pager(pageNumber, pages, status)}
<div class="scroll"><table><thead><tr><th scope="col">Date</th><th scope="col">Cycle</th><th scope="col">Action</th><th scope="col">Identity</th><th scope="col">Target id</th><th scope="col">Status</th><th scope="col">Error code</th><th scope="col">Steps</th></tr></thead><tbody>
${rows.map((entry) => html`<tr><td>${when(entry.at)}</td><td>${entry.cycleId}</td><td>${entry.action}</td><td>${entry.objectType}: ${entry.sourceName}</td><td><code>${entry.targetId ?? "—"}</code></td><td class="status-${entry.status}">${entry.status}</td><td>${entry.errorCode ? html`<code>${entry.errorCode}</code>` : "—"}${entry.message ? html`<br><span class="muted">${entry.message}</span>` : ""}</td><td>${stepsView(entry.steps)}</td></tr>`)}
</tbody></table></div>`;
}

function oktaLogView(control: TenantControl, events: SystemLogEvent[], pageNumber: number): Html {
	const okta = control.okta;
	const open = okta ? [...okta.openTasks.values()] : [];
	const nameOf = (id: string) =>
		control.directory.users.get(id)?.userPrincipalName ?? control.directory.groups.get(id)?.displayName ?? id;
	const { rows, pages } = pageOf(events, pageNumber);
	return html`<section class="card" aria-labelledby="tasks"><h2 id="tasks">Tasks: failed provisioning</h2>
${
	open.length === 0
		? html`<p class="muted">No failed tasks.</p>`
		: html`<div class="scroll"><table><thead><tr><th scope="col">Date</th><th scope="col">Task</th><th scope="col">Object</th><th scope="col">Reason</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>
${open.map((task) => html`<tr><td>${when(task.at)}</td><td>${task.task}</td><td>${nameOf(task.objectId)}</td><td>${task.reason}</td><td>${actionButton(`/tasks/${task.id}/retry`, "Retry")}${actionButton(`/tasks/${task.id}/dismiss`, "Dismiss", { danger: true })}</td></tr>`)}
</tbody></table></div>`
}</section>
<h2>System Log</h2><p>${events.length} events, newest first.</p>${pager(pageNumber, pages, "")}
<div class="scroll"><table><thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">Target</th><th scope="col">Outcome</th><th scope="col">Requests</th></tr></thead><tbody>
${rows.map((event) => html`<tr><td>${when(event.at)}</td><td>${event.displayMessage}</td><td>${nameOf(event.objectId)}</td><td class="status-${event.outcome}">${event.outcome}${event.reason ? html`<br><span class="muted">${event.reason}</span>` : ""}</td><td>${stepsView(event.steps)}</td></tr>`)}
</tbody></table></div>`;
}

function ssoView(ctx: ViewContext): Html {
	const { control, issuer } = ctx;
	const entra = control.entra !== undefined;
	return html`<section class="card" aria-labelledby="app"><h2 id="app">${entra ? "App registration" : "OpenID Connect application"}</h2>
<dl class="facts"><dt>Issuer</dt><dd><code>${issuer}</code></dd><dt>Discovery document</dt><dd><a href="${issuer}/.well-known/openid-configuration"><code>${issuer}/.well-known/openid-configuration</code></a></dd>
<dt>${entra ? "Application (client) ID" : "Client ID"}</dt><dd><code>${control.clientId}</code></dd>
<dt>${entra ? "Client secret value" : "Client secret"}</dt><dd><code>${control.clientSecret}</code></dd>
<dt>Client authentication</dt><dd>client_secret_basic; PKCE (S256) required</dd><dt>Scopes</dt><dd>openid profile email</dd>
<dt>Claims</dt><dd>sub, ${Object.values(control.profile.scopeClaims).flat().join(", ")}</dd></dl>
<p class="warn">The password of every user at this IdP's sign-in page is <code>${MOCK_PASSWORD}</code>. ${entra ? "Assignment required: No — any enabled user of the directory may sign in." : "Any active person may sign in."}</p></section>
<section class="card" aria-labelledby="redirects"><h2 id="redirects">${entra ? "Redirect URIs (Web)" : "Sign-in redirect URIs"}</h2>
<form method="post" action="/sso"><label for="f-redirectUris">Redirect URIs, one per line (paste Roster's <code>…/auth/sso/{org}/callback</code>)</label>
<textarea id="f-redirectUris" name="redirectUris">${control.redirectUris.join("\n")}</textarea><p><button type="submit">Save</button></p></form></section>`;
}

/** The portal page for a path (without query), or undefined when there is none. */
export function renderView(
	ctx: ViewContext,
	path: string,
	query: URLSearchParams,
	messages: Messages,
): string | undefined {
	const { control } = ctx;
	const vendor = control.profile.vendor;
	const frame = (title: string, current: string, body: Html) =>
		page({ profile: control.profile, title, current, body, notice: messages.notice, error: messages.error });
	const pageNumber = Number.parseInt(query.get("page") ?? "1", 10) || 1;
	if (path === "/provisioning") return frame("Provisioning", path, provisioningView(ctx));
	if (path === "/users") return frame(vendor === "entra" ? "Users" : "People", path, usersView(ctx));
	if (path === "/groups") return frame("Groups", path, groupsView(ctx));
	if (path === "/sso") return frame(vendor === "entra" ? "Single sign-on" : "Sign On", path, ssoView(ctx));
	if (path === "/logs") {
		if (control.entra) {
			const status = query.get("status") ?? "";
			const known = ["Success", "Failure", "Skipped"].includes(status) ? status : "";
			return frame("Provisioning logs", path, entraLogView(control.entra.entries, pageNumber, known));
		}
		return frame(
			"Tasks and System Log",
			path,
			oktaLogView(control, control.okta?.systemLog ?? [], pageNumber),
		);
	}
	const user = /^\/users\/([^/]+)$/.exec(path)?.[1];
	if (user && control.directory.users.has(user)) {
		return frame(vendor === "entra" ? "User" : "Person", "/users", userView(ctx, user));
	}
	const group = /^\/groups\/([^/]+)$/.exec(path)?.[1];
	if (group && control.directory.groups.has(group)) return frame("Group", "/groups", groupView(ctx, group));
	return undefined;
}
