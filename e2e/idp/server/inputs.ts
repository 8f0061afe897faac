import { z } from "zod";

/** A short text field from a form or the JSON API: trimmed, bounded, never a 500 on odd input. */
const text = (max = 256) => z.string().trim().max(max);
const name = text(64).min(1, "is required");
const optionalText = text(256).optional();
/** Roles arrive as a JSON array or as one value per line from a textarea. */
const roles = z
	.union([z.array(text(512)), text(8192).transform((value) => value.split(/\r?\n/))])
	.transform((values) => values.map((value) => value.trim()).filter((value) => value !== ""))
	.pipe(z.array(z.string()).max(50));
const ids = z
	.union([z.array(text(64)), text(64).transform((value) => [value])])
	.transform((values) => values.filter((value) => value !== ""))
	.pipe(z.array(z.string()).max(5000));
/** A checkbox (`on`) or a JSON boolean. */
const flag = z.union([z.boolean(), z.literal("on").transform(() => true)]).default(false);

export const hireForm = z.object({
	givenName: name,
	surname: name,
	jobTitle: optionalText,
	department: optionalText,
	employeeId: optionalText,
	managerId: optionalText,
	locale: optionalText,
	roles: roles.default([]),
	assign: flag,
});
export type HireForm = z.infer<typeof hireForm>;

/** Every field optional; an empty optional attribute clears it. */
export const profileForm = z.object({
	givenName: name.optional(),
	surname: name.optional(),
	displayName: text(128).min(1).optional(),
	jobTitle: optionalText,
	department: optionalText,
	employeeId: optionalText,
	managerId: optionalText,
	locale: optionalText,
	roles: roles.optional(),
});
export type ProfileForm = z.infer<typeof profileForm>;

export const groupForm = z.object({
	displayName: text(128).min(1, "is required"),
	members: ids.default([]),
	assign: flag,
	push: flag,
});
export type GroupInput = z.infer<typeof groupForm>;

export const renameForm = z.object({ displayName: text(128).min(1, "is required") });

export const membersForm = z.object({ add: ids.default([]), remove: ids.default([]) });

export const provisioningForm = z.object({
	scimUrl: z
		.string()
		.trim()
		.max(2048)
		.refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), "must be an http(s) URL"),
	/** Left empty to keep the saved secret. */
	token: z.string().trim().max(4096).default(""),
	scope: z.enum(["assigned", "all"]).optional(),
});
export type ProvisioningForm = z.infer<typeof provisioningForm>;

export const redirectForm = z.object({
	redirectUris: z
		.union([z.array(z.string()), z.string().transform((value) => value.split(/\r?\n/))])
		.transform((values) => values.map((value) => value.trim()).filter((value) => value !== ""))
		.pipe(
			z
				.array(
					z
						.string()
						.max(2048)
						.refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), "must be an http(s) URL"),
				)
				.max(10),
		),
});

/** The first problem of a failed parse, as one sentence for a page or a JSON error. */
export function describeIssues(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return "The input is not valid.";
	const field = issue.path.join(".") || "input";
	return `${field}: ${issue.message}`;
}
