export * from "./access/resolve.ts";
export * from "./access/role-pattern.ts";
export * from "./access/tiers.ts";
export * from "./access/types.ts";
export * from "./access/urn.ts";
export * from "./audit/changes.ts";
export * from "./users/role-values.ts";
export * from "./users/scim-user.ts";
