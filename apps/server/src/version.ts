import manifest from "../package.json" with { type: "json" };

/** The running Roster version, taken from the server package so there is one place to bump it. */
export const version: string = manifest.version;
