import { lifecycleSpec } from "./lifecycle.ts";

// Okta's App Integration Wizard app pushes each change at once with GET + full PUT; Roster matches SSO users
// by externalId (the Okta user id) ← `sub`, the alternative to the default userName ← preferred_username.
lifecycleSpec({
	kind: "okta-aiw",
	promote: "push",
	deprovision: "push",
	match: { attribute: "externalId", claim: "sub" },
});
