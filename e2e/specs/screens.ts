/** The screens the navigation must link to, with their addresses (the console's map, as a user sees it). */
export const NAV_SCREENS = [
	{ label: "Dashboard", path: "/" },
	{ label: "Users", path: "/users" },
	{ label: "Groups", path: "/groups" },
	{ label: "Role mappings", path: "/mappings" },
	{ label: "SSO & provisioning", path: "/connections" },
	{ label: "Provisioning log", path: "/provisioning-log" },
	{ label: "Audit", path: "/audit" },
	{ label: "Jobs", path: "/jobs" },
	{ label: "Webhooks", path: "/webhooks" },
	{ label: "Settings", path: "/settings" },
	{ label: "My access", path: "/me" },
] as const;
