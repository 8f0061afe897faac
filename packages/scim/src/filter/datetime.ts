const YEAR = String.raw`(?:[1-9]\d{3}|0[1-9]\d{2}|00[1-9]\d|000[1-9])`;
const MONTH_DAY = String.raw`(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|02-(?:0[1-9]|1\d|2[0-8]))`;
const LEAP_DAY = String.raw`(?:\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)-02-29`;
const TIME = String.raw`T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)`;

/**
 * The xsd:dateTime subset Roster compares as an instant: calendar-valid, with seconds and an explicit zone.
 * The same pattern guards the SQL cast to timestamptz (PostgreSQL 15 lacks `pg_input_is_valid`), so a value
 * it accepts can never make the database raise, and the evaluator and SQL agree on what counts as a dateTime.
 * It is valid both as a JavaScript RegExp and as a PostgreSQL ARE.
 */
export const DATE_TIME_PATTERN = `^(?:${YEAR}-${MONTH_DAY}|${LEAP_DAY})${TIME}$`;

const dateTimeRegExp = new RegExp(DATE_TIME_PATTERN);

/** An instant at PostgreSQL's microsecond precision, kept as two exact integers. */
export interface Instant {
	epochSeconds: number;
	micros: number;
}

/** C's `rint` in its default mode: to the nearest integer, ties to even. */
function roundHalfEven(value: number): number {
	const floor = Math.floor(value);
	const rest = value - floor;
	if (rest !== 0.5) return rest < 0.5 ? floor : floor + 1;
	return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Parses a dateTime string, or returns undefined when it is not one Roster can compare. Fractions finer
 * than a microsecond (.NET sends seven digits; the pattern allows nine, well inside PostgreSQL's 128-character
 * input limit) round exactly as PostgreSQL's timestamptz input does (`rint(fraction × 10⁶)`, carrying into
 * the next second), so the evaluator and SQL agree on every value.
 */
export function parseInstant(text: string): Instant | undefined {
	if (!dateTimeRegExp.test(text)) return undefined;
	const fraction = /\.(\d+)/.exec(text)?.[1];
	const epochSeconds = Date.parse(text.replace(/\.\d+/, "")) / 1000;
	const micros = fraction === undefined ? 0 : roundHalfEven(Number(`0.${fraction}`) * 1_000_000);
	return micros === 1_000_000 ? { epochSeconds: epochSeconds + 1, micros: 0 } : { epochSeconds, micros };
}

export function compareInstants(a: Instant, b: Instant): number {
	return a.epochSeconds - b.epochSeconds || a.micros - b.micros;
}
