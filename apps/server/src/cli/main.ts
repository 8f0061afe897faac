import { runCli } from "./run.ts";

process.exit(await runCli(process.argv.slice(2)));
