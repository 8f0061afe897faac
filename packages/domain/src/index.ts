export * from "./audit/changes.ts";
export * from "./users/role-values.ts";
export * from "./users/scim-user.ts";
