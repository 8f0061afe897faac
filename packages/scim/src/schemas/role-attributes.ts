/**
 * The multi-valued attributes, on Users and Groups alike, whose values grant roles (RFC 7643 §4.1.2): they get
 * their own value limit, their own IdP quirks and, in @roster/domain, their own reading and writing.
 */
export const roleAttributes = ["roles", "entitlements"] as const;
export type RoleAttribute = (typeof roleAttributes)[number];
