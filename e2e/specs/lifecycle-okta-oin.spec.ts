import { lifecycleSpec } from "./lifecycle.ts";

// Okta's catalog app pushes each change at once: PATCH for groups and for the deactivation.
lifecycleSpec({ kind: "okta-oin", promote: "push", deprovision: "push" });
