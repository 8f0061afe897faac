import { Hono } from "hono";
import type { AppEnv } from "../http/variables.ts";
import { OPENAPI_PATHS, openApiDocument } from "./document.ts";
import { isAssetName, REFERENCE_CSP, REFERENCE_HTML, readAsset } from "./reference-page.ts";

/**
 * `GET /openapi.json` (the description) and `GET /api/docs` (its rendered reference with its assets), both
 * public: they describe the routes and hold no data (decision 0211). The document is built on first request.
 */
export function openApiRoutes(options: { scimEnabled: boolean }): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();
	let documentJson: string | undefined;

	routes.get(OPENAPI_PATHS.document, (c) => {
		documentJson ??= JSON.stringify(openApiDocument(options));
		return c.body(documentJson, 200, { "Content-Type": "application/json; charset=utf-8" });
	});
	routes.get(OPENAPI_PATHS.reference, (c) =>
		c.html(REFERENCE_HTML, 200, {
			"Content-Security-Policy": REFERENCE_CSP,
			"X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "no-referrer",
		}),
	);
	routes.get(`${OPENAPI_PATHS.reference}/:asset`, async (c, next) => {
		const name = c.req.param("asset");
		if (!isAssetName(name)) return next();
		const asset = await readAsset(name);
		return c.body(asset.body, 200, {
			"Content-Type": asset.type,
			"Cache-Control": "public, max-age=3600",
			"X-Content-Type-Options": "nosniff",
		});
	});
	return routes;
}
