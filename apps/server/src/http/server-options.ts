/**
 * Node HTTP server options: a client gets 10 s to send its headers and 60 s for the whole
 * request (a 4 MiB Bulk body at 70 KB/s), so slow-sending clients cannot hold sockets open indefinitely;
 * Node checks every 5 s. Node's own defaults are 60 s and 300 s.
 */
export const SERVER_OPTIONS = {
	headersTimeout: 10_000,
	requestTimeout: 60_000,
	connectionsCheckingInterval: 5_000,
};
