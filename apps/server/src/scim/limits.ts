/** Limits advertised in `/ServiceProviderConfig` and enforced by the routes; one source for both. */
export const SCIM_LIMITS = {
	/** Largest page a list or search returns (`filter.maxResults`). */
	maxResults: 1000,
	/** Page size when the client does not send `count`. */
	defaultCount: 100,
	bulkMaxOperations: 1000,
	bulkMaxPayloadSize: 4 * 1024 * 1024,
} as const;
