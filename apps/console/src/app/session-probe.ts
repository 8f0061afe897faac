/**
 * Marks the queries that ask "who is signed in?" (`session.me`): their UNAUTHORIZED is an answer the
 * layout and sign-in page act on, not a session that ended mid-visit.
 */
export const SESSION_PROBE: Record<string, unknown> = { sessionProbe: true };
