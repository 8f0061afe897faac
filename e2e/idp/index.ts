export * from "./checks.ts";
export * from "./clock.ts";
export * from "./directory.ts";
export * from "./entra.ts";
export * from "./http.ts";
export * from "./okta.ts";
export * from "./urns.ts";
