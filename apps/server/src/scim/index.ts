import { ScimError } from "@roster/scim";
import { Hono } from "hono";
import type { AppDeps, AppEnv } from "../app-env.ts";

/** The SCIM 2.0 sub-app, mounted at `/scim/v2` and `/organizations/:slug/scim/v2`; routes come next. */
export function createScimApp(_deps: AppDeps): Hono<AppEnv> {
	const scim = new Hono<AppEnv>();
	scim.all("*", () => {
		throw new ScimError(404, undefined, "Not implemented yet");
	});
	return scim;
}
