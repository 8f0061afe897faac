import type { Writable } from "node:stream";

/** A line of progress: rewritten in place on a terminal, one plain line per change otherwise (logs, pipes). */
export interface ProgressLine {
	update(text: string): void;
	/** Ends the line on a terminal, so what is printed next starts on its own line. */
	end(): void;
}

export function progressLine(out: Writable & { isTTY?: boolean }): ProgressLine {
	let last = "";
	return {
		update(text) {
			if (text === last) return;
			last = text;
			// `\r` goes back to the start of the line and `ESC [K` clears what a longer line left behind.
			out.write(out.isTTY ? `\r\x1b[K${text}` : `${text}\n`);
		},
		end() {
			if (out.isTTY && last !== "") out.write("\n");
		},
	};
}
