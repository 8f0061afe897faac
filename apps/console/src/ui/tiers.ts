/** How the console words an access tier, wherever it shows one. */
export const TIER_LABELS: Record<string, string> = {
	NONE: "No access",
	USER: "User",
	PROJECTADMIN: "Project admin",
	ADMIN: "Admin",
};
