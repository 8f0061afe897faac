import { LIST_LIMITS } from "../provisioning/lists.ts";

/**
 * Limits advertised in `/ServiceProviderConfig` and enforced by the routes; one source for both. The bounds
 * on what a resource may hold (depth, string lengths, values, members) live with the protocol, in
 * `@roster/scim`'s `INPUT_LIMITS`, and are advertised from there.
 */
export const SCIM_LIMITS = {
	/** Paging bounds, which the list operations enforce. */
	...LIST_LIMITS,
	/**
	 * Operations per Bulk. Each is its own transaction (~3 ms on PostgreSQL here) and yields the event loop
	 * to other requests, so beside seven other requests 1,000 took over 5 s and 200 up to 5 s in the fuzz
	 * run; 100 keeps a Bulk under a second alone. No supported IdP sends Bulk at all (decision 0120).
	 */
	bulkMaxOperations: 100,
	bulkMaxPayloadSize: 4 * 1024 * 1024,
	/**
	 * Largest body outside Bulk: a PUT of a group with `INPUT_LIMITS.maxMembersPerRequest` members (about
	 * 1.5 MB with display names) fits twice over, and parsing it stays far below 100 ms of event-loop time.
	 */
	maxBodyBytes: 4 * 1024 * 1024,
} as const;
