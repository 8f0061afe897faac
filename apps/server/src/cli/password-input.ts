import type { Readable, Writable } from "node:stream";
import { OperationError } from "../operation-error.ts";

/** The terminal side of a prompt: raw mode lets the password be read without echoing it. */
export type PromptInput = Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };

/** Where a command reads a password from, and where its prompts go (stderr, so stdout stays scriptable). */
export interface PasswordIo {
	input: PromptInput;
	output: Writable;
}

const processIo = (): PasswordIo => ({ input: process.stdin, output: process.stderr });

/**
 * The password a command was given: `--password PASSWORD` as is (scripts), `--password -` read from
 * stdin (piping keeps it out of the process list and shell history), or, with no `--password` on a
 * terminal, asked for twice without echo. Without a terminal and without the flag it is a refusal, so a
 * script never hangs waiting for input.
 */
export async function passwordFrom(value: string | undefined, io: PasswordIo = processIo()): Promise<string> {
	if (value === "-") return readAll(io.input);
	if (value !== undefined) return value;
	if (!io.input.isTTY || !io.input.setRawMode) {
		throw new OperationError(
			"invalid",
			"Missing required option --password (--password - reads it from stdin; in a terminal you are asked for it)",
		);
	}
	const first = await readHidden(io, "Password: ");
	const second = await readHidden(io, "Repeat the password: ");
	if (first !== second) throw new OperationError("invalid", "The two passwords do not match");
	return first;
}

/** All of stdin, minus the one line break `echo` or a heredoc adds. */
async function readAll(input: Readable): Promise<string> {
	let text = "";
	for await (const chunk of input) text += String(chunk);
	return text.replace(/\r?\n$/, "");
}

/** One line from a terminal in raw mode, so nothing typed is echoed; Enter ends it, Ctrl-C cancels. */
function readHidden(io: PasswordIo, question: string): Promise<string> {
	const { input, output } = io;
	output.write(question);
	input.setRawMode?.(true);
	input.resume();
	return new Promise((resolve, reject) => {
		let typed = "";
		const finish = (error?: Error) => {
			input.off("data", onData);
			input.setRawMode?.(false);
			input.pause();
			output.write("\n");
			if (error) reject(error);
			else resolve(typed);
		};
		function onData(chunk: Buffer | string) {
			for (const char of String(chunk)) {
				if (char === "\r" || char === "\n" || char === "\u0004") return finish();
				if (char === "\u0003") return finish(new OperationError("invalid", "Cancelled"));
				if (char === "\u007f" || char === "\b") typed = typed.slice(0, -1);
				else typed += char;
			}
		}
		input.on("data", onData);
	});
}
