import { escapeHtml } from "../oidc/provider.ts";
import type { KindProfile } from "./kinds.ts";

/** Markup that is already safe; anything else put into {@link html} is escaped. */
export class Html {
	constructor(readonly value: string) {}
	toString(): string {
		return this.value;
	}
}

type Part = Html | string | number | boolean | undefined | null | readonly Part[];

function render(part: Part): string {
	if (part === undefined || part === null || part === false) return "";
	if (part instanceof Html) return part.value;
	if (Array.isArray(part)) return part.map(render).join("");
	return escapeHtml(String(part));
}

/** A template tag that escapes every interpolated value unless it is {@link Html}. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
	let out = strings[0] ?? "";
	values.forEach((value, i) => {
		out += render(value) + (strings[i + 1] ?? "");
	});
	return new Html(out);
}

/** A date for people: ISO-8601 in UTC, to the second. */
export function when(at: number | undefined): string {
	return at === undefined ? "—" : `${new Date(at).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** A small form with one button posting to `action` (every control action on the pages is a POST). */
export function actionButton(action: string, label: string, options: { danger?: boolean } = {}): Html {
	return html`<form method="post" action="${action}" class="inline"><button type="submit"${new Html(options.danger ? ' class="danger"' : "")}>${label}</button></form>`;
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 "Segoe UI",system-ui,-apple-system,sans-serif;color:#1b1b1b;background:#f5f5f5}
header{display:flex;align-items:center;gap:12px;padding:10px 16px;color:#fff;background:var(--brand)}
header a{color:#fff;text-decoration:none;font-weight:600}header .kind{margin-left:auto;font-size:13px;opacity:.85}
.shell{display:flex;flex-wrap:wrap;min-height:calc(100vh - 46px)}
nav{flex:0 0 210px;background:var(--nav);padding:12px 0}nav a{display:block;padding:8px 18px;color:var(--navtext);text-decoration:none}
nav a[aria-current=page]{background:var(--navactive);font-weight:600}nav a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:2px solid var(--brand);outline-offset:2px}
main{flex:1 1 360px;min-width:0;padding:18px 22px;max-width:1100px}h1{font-size:22px;margin:0 0 14px}h2{font-size:17px;margin:22px 0 8px}
.card{background:#fff;border:1px solid #ddd;border-radius:4px;padding:14px 16px;margin:0 0 14px}
label{display:block;font-weight:600;margin:8px 0 3px}label.check{display:flex;gap:6px;align-items:center;font-weight:400}
input[type=text],input[type=password],input[type=url],select,textarea{width:100%;max-width:520px;padding:6px 8px;border:1px solid #8a8886;border-radius:2px;font:inherit}
textarea{min-height:70px}button{font:inherit;padding:6px 14px;margin:4px 6px 4px 0;border:1px solid var(--brand);background:var(--brand);color:#fff;border-radius:2px;cursor:pointer}
button.secondary{background:#fff;color:var(--brand)}button.danger{background:#fff;color:#a4262c;border-color:#a4262c}form.inline{display:inline}
table{width:100%;border-collapse:collapse;background:#fff;font-size:14px}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e1e1e1;vertical-align:top}
th{background:#faf9f8}.scroll{overflow-x:auto}.notice{padding:10px 14px;border-left:4px solid #107c10;background:#dff6dd;margin:0 0 14px}
.error{padding:10px 14px;border-left:4px solid #a4262c;background:#fde7e9;margin:0 0 14px}.warn{padding:10px 14px;border-left:4px solid #c19c00;background:#fff4ce;margin:0 0 14px}
.muted{color:#605e5c}code,pre{font:13px/1.4 ui-monospace,Consolas,monospace}pre{white-space:pre-wrap;word-break:break-all;background:#f3f2f1;padding:8px;margin:6px 0}
.status-Success,.status-SUCCESS{color:#107c10;font-weight:600}.status-Failure,.status-FAILURE{color:#a4262c;font-weight:600}.status-Skipped{color:#605e5c;font-weight:600}
dl.facts{display:grid;grid-template-columns:minmax(120px,220px) 1fr;gap:4px 12px;margin:0}dl.facts dt{font-weight:600}dl.facts dd{margin:0;word-break:break-all}
@media (max-width:640px){nav{flex-basis:100%;display:flex;flex-wrap:wrap;padding:4px}nav a{padding:6px 10px}main{padding:12px}}
`;

const THEMES: Record<KindProfile["vendor"], string> = {
	entra: "--brand:#0078d4;--nav:#fff;--navtext:#1b1b1b;--navactive:#e1efff",
	okta: "--brand:#1662dd;--nav:#11171c;--navtext:#e8eaed;--navactive:#2b3642",
};

export interface PageOptions {
	profile: KindProfile;
	title: string;
	/** The nav entry to mark as current. */
	current: string;
	notice?: string | undefined;
	error?: string | undefined;
	body: Html;
}

const NAV: Record<KindProfile["vendor"], [string, string][]> = {
	entra: [
		["/provisioning", "Provisioning"],
		["/users", "Users"],
		["/groups", "Groups"],
		["/logs", "Provisioning logs"],
		["/sso", "Single sign-on"],
	],
	okta: [
		["/provisioning", "Provisioning"],
		["/users", "People"],
		["/groups", "Groups"],
		["/logs", "Tasks and System Log"],
		["/sso", "Sign On"],
	],
};

/** The portal's frame: brand header, navigation, notices, and the page. */
export function page(options: PageOptions): string {
	const { profile } = options;
	const nav = NAV[profile.vendor].map(
		([href, label]) =>
			html`<a href="${href}"${new Html(href === options.current ? ' aria-current="page"' : "")}>${label}</a>`,
	);
	return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${options.title} · ${profile.portal}</title><style>:root{${THEMES[profile.vendor]}}${STYLE}</style></head>
<body><header><a href="/">${profile.portal}</a><span class="kind">profile: ${profile.kind}</span></header>
<div class="shell"><nav aria-label="Portal">${nav}</nav><main>
<h1>${options.title}</h1>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ""}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ""}
${options.body}
</main></div></body></html>`.value;
}
