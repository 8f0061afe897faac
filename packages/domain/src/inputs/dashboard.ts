import { z } from "zod";

/** The windows the dashboard's activity charts cover, and the bucket each is drawn in. */
export const activityRanges = {
	"24h": { hours: 24, bucket: "hour" },
	"7d": { hours: 24 * 7, bucket: "hour" },
	"30d": { hours: 24 * 30, bucket: "day" },
} as const satisfies Record<string, { hours: number; bucket: "hour" | "day" }>;

export type ActivityRange = keyof typeof activityRanges;

/** `dashboard.activity`'s input: which window to chart. */
export const activityInput = z.object({
	range: z.enum(Object.keys(activityRanges) as [ActivityRange, ...ActivityRange[]]).default("24h"),
});

/** How many recent leavers the dashboard lists at most. */
export const MAX_RECENT_LEAVERS = 50;

/** `dashboard.recentLeavers`'s input: how many of the latest offboardings to list. */
export const recentLeaversInput = z.object({
	limit: z.number().int().min(1).max(MAX_RECENT_LEAVERS).default(10),
});
