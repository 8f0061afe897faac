import type { Writable } from "node:stream";

/**
 * Writes chunks as they are produced, waiting for `drain` when the stream's buffer is full, so an export
 * of millions of events never sits in memory. A reader that goes away (`head`, a closed pipe) ends the
 * export quietly; any other write error is thrown. The error listener stays on the stream, so an EPIPE
 * reported after the last write cannot crash the process.
 */
export async function writeAll(out: Writable, chunks: AsyncIterable<string>): Promise<void> {
	let failure: Error | undefined;
	const onError = (error: Error) => {
		failure = error;
	};
	out.on("error", onError);
	for await (const chunk of chunks) {
		if (failure) break;
		if (!out.write(chunk)) {
			await new Promise<void>((resolve) => {
				const done = () => {
					out.off("drain", done);
					out.off("error", done);
					resolve();
				};
				out.once("drain", done);
				out.once("error", done);
			});
		}
	}
	if (failure && (failure as NodeJS.ErrnoException).code !== "EPIPE") throw failure;
}
