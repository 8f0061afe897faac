import type { Command, Flag, UsagePart } from "./command.ts";

const WIDTH = 100;

/** `--help`: every command's synopsis and description, as the command table declares them. */
export function renderUsage(commands: readonly Command[]): string {
	return [
		"Usage: pnpm roster <command> [options]",
		"",
		"Commands:",
		...commands.flatMap((command) => [...synopsis(command), `      ${command.description}`]),
		"",
		"Every command accepts --database-url URL (default: DATABASE_URL, else pglite://./.roster/data).",
		"",
	].join("\n");
}

/** The command's name and flags, wrapped under the first flag at WIDTH columns; a part never splits. */
function synopsis(command: Command): string[] {
	const indent = " ".repeat(2 + command.name.length + 1);
	const lines = [`  ${command.name}`];
	for (const part of command.usage.map(renderPart)) {
		const last = lines.length - 1;
		const line = lines[last] ?? "";
		if (line.trim() !== command.name && line.length + 1 + part.length > WIDTH) lines.push(`${indent}${part}`);
		else lines[last] = `${line} ${part}`;
	}
	return lines;
}

function renderPart(part: UsagePart): string {
	if ("oneOf" in part) return `(${part.oneOf.map((flags) => flags.map(renderFlag).join(" ")).join(" | ")})`;
	return part.required ? renderFlag(part) : `[${renderFlag(part)}]`;
}

function renderFlag(flag: Flag): string {
	return flag.value === undefined ? `--${flag.flag}` : `--${flag.flag} ${flag.value}`;
}
