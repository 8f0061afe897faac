import type { ComponentType } from "react";

/**
 * The dashboard's connection-health panels ("tokens near expiry", "connections gone silent"), built by
 * the connections screen over `connections/health.ts`; the dashboard lays out whatever is listed here.
 */
export const HEALTH_PANELS: readonly { key: string; Panel: ComponentType }[] = [];
