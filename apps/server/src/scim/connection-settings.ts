import { z } from "zod";

const settingsSchema = z.object({
	/** `auto` picks by User-Agent; the profile only shapes responses, input leniency is always on. */
	compatibility: z.enum(["auto", "entra", "okta", "strict"]).catch("auto").default("auto"),
	userPatchResponse: z.enum(["200", "204"]).catch("200").default("200"),
	rateLimit: z
		.object({
			requestsPerSecond: z.number().int().min(25).max(100_000).catch(200).default(200),
		})
		.catch({ requestsPerSecond: 200 })
		.default({ requestsPerSecond: 200 }),
});

/** A SCIM connection's compatibility and throttling settings, with defaults for anything unset or invalid. */
export type ConnectionSettings = z.infer<typeof settingsSchema>;

export function readConnectionSettings(raw: unknown): ConnectionSettings {
	return settingsSchema.parse(raw ?? {});
}

export type ResponseProfile = "entra" | "okta" | "strict";

/** The response profile for one request: fixed per connection, or guessed from the client's User-Agent. */
export function responseProfile(
	settings: ConnectionSettings,
	userAgent: string | undefined,
): ResponseProfile {
	if (settings.compatibility !== "auto") return settings.compatibility;
	const agent = userAgent?.toLowerCase() ?? "";
	if (agent.includes("okta")) return "okta";
	if (agent.includes("azure") || agent.includes("microsoft") || agent.includes("entra")) return "entra";
	return "strict";
}
