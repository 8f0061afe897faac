import { ScimError } from "@roster/scim";

/**
 * Stops a request whose client has gone, at the points where more work would start (a transaction, the
 * next Bulk operation): nobody would read the answer. 499 is what the provisioning log records.
 */
export function abandonIfGone(signal: AbortSignal): void {
	if (signal.aborted) {
		throw new ScimError(499, undefined, "The client closed the connection; the request was abandoned.");
	}
}
