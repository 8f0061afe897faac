import { lifecycleSpec } from "./lifecycle.ts";

// Entra with `?aadOptscim062020`: the promotion is provisioned on demand, the deprovisioning waits for a cycle.
lifecycleSpec({ kind: "entra-flag", promote: "on-demand", deprovision: "cycle" });
