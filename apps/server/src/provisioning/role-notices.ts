import type { AccessDecision } from "@roster/domain";
import type { ScimLogNotes } from "./context.ts";

/** Reasons that describe policy, not a mistake in what the IdP sent. */
const POLICY_REASONS = new Set(["role source policy", "user inactive", "no mapping matches"]);

/**
 * Notes the Roster role URNs a write's access decision could not use (malformed, another organization, an
 * unknown role or project) for the provisioning log, so an IdP administrator sees why a role had no effect.
 * The write itself never fails because of them.
 */
export function noteUnusableRoles(notes: ScimLogNotes, decision: AccessDecision | undefined): void {
	if (!decision) return;
	for (const ignored of decision.explanation.ignored) {
		if (POLICY_REASONS.has(ignored.reason) || !/^urn:roster:/i.test(ignored.value)) continue;
		notes.unusableRoles ??= [];
		notes.unusableRoles.push(`${ignored.value} (${ignored.reason})`);
	}
}
