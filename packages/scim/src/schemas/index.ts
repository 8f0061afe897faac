export * from "../filter/attr-path.ts";
export * from "./common.ts";
export * from "./enterprise.ts";
export * from "./group.ts";
export * from "./resolve.ts";
export * from "./resource-types.ts";
export * from "./secrets.ts";
export type * from "./types.ts";
export * from "./user.ts";
