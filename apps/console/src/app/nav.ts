import {
	Activity,
	FileClock,
	KeyRound,
	LayoutDashboard,
	type LucideIcon,
	Settings,
	ShieldCheck,
	UserRound,
	UsersRound,
} from "lucide-react";

/** The console's screens, in the order the navigation lists them. */
export const NAV_ITEMS: readonly { to: string; label: string; icon: LucideIcon }[] = [
	{ to: "/", label: "Dashboard", icon: LayoutDashboard },
	{ to: "/users", label: "Users", icon: UserRound },
	{ to: "/groups", label: "Groups", icon: UsersRound },
	{ to: "/mappings", label: "Role mappings", icon: ShieldCheck },
	{ to: "/connections", label: "SSO & provisioning", icon: KeyRound },
	{ to: "/provisioning-log", label: "Provisioning log", icon: Activity },
	{ to: "/audit", label: "Audit", icon: FileClock },
	{ to: "/settings", label: "Settings", icon: Settings },
];
