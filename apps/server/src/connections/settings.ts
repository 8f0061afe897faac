import {
	compatibilityProfiles,
	requestsPerSecondRange,
	userPatchResponses,
} from "@roster/domain/inputs/connections";
import { type InputSyntax, liberalSyntax, strictSyntax } from "@roster/scim";
import { z } from "zod";

/**
 * The values each setting may take, shared by reading (which falls back to the default) and by an operator's
 * change (which refuses anything else). `auto` picks the response profile by User-Agent; only an explicit
 * `strict` also reads input by the RFC grammar alone (see `inputSyntax`), since clients `auto` cannot
 * recognise are the ones that need leniency.
 */
export const compatibilitySetting = z.enum(compatibilityProfiles);
export const userPatchResponseSetting = z.enum(userPatchResponses);
export const requestsPerSecondSetting = z
	.number()
	.int()
	.min(requestsPerSecondRange.min)
	.max(requestsPerSecondRange.max);

const DEFAULT_REQUESTS_PER_SECOND = requestsPerSecondRange.default;

const settingsSchema = z.object({
	compatibility: compatibilitySetting.catch("auto").default("auto"),
	userPatchResponse: userPatchResponseSetting.catch("200").default("200"),
	rateLimit: z
		.object({
			requestsPerSecond: requestsPerSecondSetting
				.catch(DEFAULT_REQUESTS_PER_SECOND)
				.default(DEFAULT_REQUESTS_PER_SECOND),
		})
		.catch({ requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND })
		.default({ requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND }),
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

/** How a connection's requests are read: liberally, unless the operator set the connection to `strict`. */
export function inputSyntax(settings: ConnectionSettings): InputSyntax {
	return settings.compatibility === "strict" ? strictSyntax : liberalSyntax;
}
