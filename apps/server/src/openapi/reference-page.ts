import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { OPENAPI_PATHS } from "./document.ts";

/** The Swagger UI files the page loads, served from Roster's own origin (no CDN: air-gapped sites). */
const ASSETS = {
	"swagger-ui.css": "text/css; charset=utf-8",
	"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
} as const;

export type AssetName = keyof typeof ASSETS | "init.js";

export function isAssetName(name: string): name is AssetName {
	return name === "init.js" || Object.hasOwn(ASSETS, name);
}

/**
 * Starts Swagger UI on the served document. A file of its own rather than an inline script, so the
 * page's Content-Security-Policy can say `script-src 'self'`. No validator badge: it would call out.
 */
const INIT_SCRIPT = `window.addEventListener("load", function () {
	window.ui = SwaggerUIBundle({
		url: ${JSON.stringify(OPENAPI_PATHS.document)},
		dom_id: "#swagger-ui",
		deepLinking: true,
		validatorUrl: null,
		layout: "BaseLayout",
		presets: [SwaggerUIBundle.presets.apis],
	});
});
`;

/**
 * Only our own files, nothing inline (Swagger UI styles through the CSSOM, which `style-src 'self'` allows),
 * `data:` images for its CSS icons, no framing. Checked in Chromium by e2e/specs/openapi-reference.spec.ts.
 */
export const REFERENCE_CSP = [
	"default-src 'none'",
	"script-src 'self'",
	"style-src 'self'",
	"img-src 'self' data:",
	"connect-src 'self'",
	"font-src 'self'",
	"base-uri 'none'",
	"form-action 'none'",
	"frame-ancestors 'none'",
].join("; ");

export const REFERENCE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Roster API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${OPENAPI_PATHS.reference}/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="${OPENAPI_PATHS.reference}/swagger-ui-bundle.js"></script>
<script src="${OPENAPI_PATHS.reference}/init.js"></script>
</body>
</html>
`;

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const loaded = new Map<AssetName, Promise<{ body: string; type: string }>>();

/** An asset's text and media type, read on first use only: most servers never render the page. */
export function readAsset(name: AssetName): Promise<{ body: string; type: string }> {
	let asset = loaded.get(name);
	if (!asset) {
		asset =
			name === "init.js"
				? Promise.resolve({ body: INIT_SCRIPT, type: "text/javascript; charset=utf-8" })
				: readFile(join(swaggerUiDir, name), "utf8").then((body) => ({ body, type: ASSETS[name] }));
		loaded.set(name, asset);
	}
	return asset;
}
