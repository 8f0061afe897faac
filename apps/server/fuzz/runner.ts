import { type CaseKind, type FuzzCase, generateCase, kindOf } from "./cases.ts";
import { ANSWER_DEADLINE_MS, type FailureKind, type FuzzAnswer, judge, NoAnswer } from "./oracle.ts";
import { type Fixtures, type FuzzRequest, materialize } from "./request.ts";

/** Sends a materialized request; throws `NoAnswer` when none arrives. */
export type Transport = (request: FuzzRequest) => Promise<FuzzAnswer>;

/** One judged case. `status` is 0 when no answer came. */
export interface Outcome {
	index: number;
	kind: CaseKind;
	status: number;
	ms: number;
	failures: FailureKind[];
	missingScimType: boolean;
}

/** Sends one case and judges the answer. */
export async function runCase(
	fuzzCase: FuzzCase,
	fixtures: Fixtures,
	send: Transport,
	deadlineMs = ANSWER_DEADLINE_MS,
): Promise<Outcome & { answer?: FuzzAnswer }> {
	const request = materialize(fuzzCase.request, fixtures);
	const base = { index: fuzzCase.index, kind: fuzzCase.kind };
	try {
		const answer = await send(request);
		return { ...base, status: answer.status, ms: answer.ms, answer, ...judge(request, answer, deadlineMs) };
	} catch (error) {
		if (!(error instanceof NoAnswer)) throw error;
		return { ...base, status: 0, ms: error.ms, failures: [error.kind], missingScimType: false };
	}
}

/**
 * Runs cases `from`…`to - 1` of `seed` with `concurrency` requests in flight; cases are generated just
 * before they are sent, so memory stays flat however many there are.
 */
export async function runCases(options: {
	seed: number;
	from: number;
	to: number;
	concurrency: number;
	fixtures: Fixtures;
	send: Transport;
	deadlineMs?: number;
	/** Only cases of these kinds run; the others' numbers are skipped, so case numbers stay replayable. */
	kinds?: ReadonlySet<CaseKind>;
	/** Stops starting new cases (Ctrl-C); cases in flight still finish and are counted. */
	signal?: AbortSignal;
	onOutcome: (outcome: Outcome) => void;
}): Promise<void> {
	let next = options.from;
	const worker = async () => {
		while (next < options.to && !options.signal?.aborted) {
			const index = next++;
			if (options.kinds && !options.kinds.has(kindOf(index))) continue;
			const { answer: _answer, ...outcome } = await runCase(
				generateCase(options.seed, index),
				options.fixtures,
				options.send,
				options.deadlineMs,
			);
			options.onOutcome(outcome);
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, worker));
}
