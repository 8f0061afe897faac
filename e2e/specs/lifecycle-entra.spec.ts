import { lifecycleSpec } from "./lifecycle.ts";

// Entra's legacy client: the promotion waits for the next cycle, the deprovisioning is provisioned on demand.
lifecycleSpec({ kind: "entra", promote: "cycle", deprovision: "on-demand" });
