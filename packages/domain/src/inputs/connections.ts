import { z } from "zod";
import {
	compatibilityProfiles,
	idpKinds,
	requestsPerSecondRange,
	userPatchResponses,
} from "../connections/idp-presets.ts";

export * from "../connections/idp-guides.ts";
export * from "../connections/idp-presets.ts";

/** Tokens whose expiry falls within this many days are flagged "expires soon". */
export const EXPIRING_SOON_DAYS = 14;
/** The longest overlap a rotation may keep the old token working for (30 days). */
export const MAX_ROTATION_OVERLAP_HOURS = 720;
/** The longest lifetime a token may be given (10 years). */
export const MAX_TOKEN_LIFETIME_DAYS = 3650;

const connectionName = z
	.string()
	.trim()
	.min(1, "Give the connection a name")
	.max(80, "Keep the name under 80 characters");

const days = z
	.number()
	.int("Whole days only")
	.min(1, "At least 1 day")
	.max(MAX_TOKEN_LIFETIME_DAYS, `At most ${MAX_TOKEN_LIFETIME_DAYS} days`);

export const connectionIdInput = z.object({ connectionId: z.uuid() });
export const tokenIdInput = z.object({ tokenId: z.uuid() });

export const createConnectionInput = z.object({ name: connectionName, idpKind: z.enum(idpKinds) });

export const renameConnectionInput = z.object({ connectionId: z.uuid(), name: connectionName });

/** Deleting drops the connection's tokens too, so the operator types its name to confirm. */
export const deleteConnectionInput = z.object({ connectionId: z.uuid(), confirmName: z.string().max(200) });

export const configureConnectionInput = z.object({
	connectionId: z.uuid(),
	compatibility: z.enum(compatibilityProfiles).optional(),
	userPatchResponse: z.enum(userPatchResponses).optional(),
	requestsPerSecond: z
		.number()
		.int("Whole requests only")
		.min(requestsPerSecondRange.min, `At least ${requestsPerSecondRange.min}`)
		.max(requestsPerSecondRange.max, `At most ${requestsPerSecondRange.max}`)
		.optional(),
});

export const listTokensInput = z.object({
	connectionId: z.uuid(),
	/** Matches the token's prefix or its creator's name, case-insensitively. */
	search: z.string().trim().max(80).optional(),
});

export const mintTokenInput = z.object({ connectionId: z.uuid(), expiresInDays: days.optional() });

export const rotateTokenInput = z.object({
	tokenId: z.uuid(),
	overlapHours: z
		.number()
		.int("Whole hours only")
		.min(0)
		.max(MAX_ROTATION_OVERLAP_HOURS, `At most ${MAX_ROTATION_OVERLAP_HOURS} hours (30 days)`),
	expiresInDays: days.optional(),
});

/** `null` removes the expiry. */
export const setTokenExpiryInput = z.object({ tokenId: z.uuid(), expiresInDays: days.nullable() });

export const testConnectionInput = z.object({
	connectionId: z.uuid(),
	token: z.string().trim().min(1, "Paste a token").max(512),
});

export const expiringTokensInput = z.object({
	withinDays: z.number().int().min(1).max(365).default(EXPIRING_SOON_DAYS),
});

export const setScimEnabledInput = z.object({ enabled: z.boolean() });

export type CreateConnectionInput = z.infer<typeof createConnectionInput>;
export type ConfigureConnectionInput = z.infer<typeof configureConnectionInput>;
export type MintTokenInput = z.infer<typeof mintTokenInput>;
export type RotateTokenInput = z.infer<typeof rotateTokenInput>;
