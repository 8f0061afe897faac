export type * from "./ast.ts";
export * from "./bind.ts";
export * from "./datetime.ts";
export * from "./evaluate.ts";
export * from "./parse.ts";
export * from "./sql.ts";
