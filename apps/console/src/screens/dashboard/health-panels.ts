import type { ComponentType } from "react";
import { ConnectionsNeedingAttentionPanel, TokensNearExpiryPanel } from "../connections/health-panels.tsx";

/**
 * The dashboard's connection-health panels ("tokens near expiry", "connections gone silent"), built by
 * the connections screen over `connections/health.ts`; the dashboard lays out whatever is listed here.
 */
export const HEALTH_PANELS: readonly { key: string; Panel: ComponentType }[] = [
	{ key: "attention", Panel: ConnectionsNeedingAttentionPanel },
	{ key: "expiring", Panel: TokensNearExpiryPanel },
];
