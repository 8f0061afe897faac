export * from "./errors.ts";
export * from "./filter/index.ts";
export * from "./schemas/index.ts";
