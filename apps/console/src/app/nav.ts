import type { AccessTier } from "@roster/domain/tiers";
import {
	Activity,
	BadgeCheck,
	FileClock,
	KeyRound,
	LayoutDashboard,
	ListChecks,
	type LucideIcon,
	Settings,
	ShieldCheck,
	UserRound,
	UsersRound,
	Webhook,
} from "lucide-react";

/** One screen of the navigation; `everyone` marks the screens a signed-in user who is not an administrator has. */
export interface NavItem {
	to: string;
	label: string;
	icon: LucideIcon;
	everyone?: true;
}

/** Where a signed-in user who is not an administrator is, whatever address they asked for. */
export const MY_ACCESS_PATH = "/me";

/** The console's screens, in the order the navigation lists them. */
export const NAV_ITEMS: readonly NavItem[] = [
	{ to: "/", label: "Dashboard", icon: LayoutDashboard },
	{ to: "/users", label: "Users", icon: UserRound },
	{ to: "/groups", label: "Groups", icon: UsersRound },
	{ to: "/mappings", label: "Role mappings", icon: ShieldCheck },
	{ to: "/connections", label: "SSO & provisioning", icon: KeyRound },
	{ to: "/provisioning-log", label: "Provisioning log", icon: Activity },
	{ to: "/audit", label: "Audit", icon: FileClock },
	{ to: "/jobs", label: "Jobs", icon: ListChecks },
	{ to: "/webhooks", label: "Webhooks", icon: Webhook },
	{ to: "/settings", label: "Settings", icon: Settings },
	{ to: MY_ACCESS_PATH, label: "My access", icon: BadgeCheck, everyone: true },
];

/**
 * Administrators see every screen; anyone else only My access (the server refuses them every admin
 * procedure anyway, so other screens would only show refusals).
 */
export function navItemsFor(tier: AccessTier): readonly NavItem[] {
	return tier === "ADMIN" ? NAV_ITEMS : NAV_ITEMS.filter((item) => item.everyone);
}
