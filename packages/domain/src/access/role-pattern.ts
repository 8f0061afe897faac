/**
 * Whether a role value matches a `role_urn` mapping pattern: case-insensitive, `*` standing for any run of
 * characters (possibly empty). Matched by scanning with one backtrack point, so a pattern full of `*` stays
 * linear-ish instead of the exponential blow-up of a naive recursive or regex-built matcher.
 */
export function matchesRolePattern(pattern: string, value: string): boolean {
	const p = pattern.toLowerCase();
	const v = value.toLowerCase();
	let pi = 0;
	let vi = 0;
	let star = -1;
	let resume = 0;
	while (vi < v.length) {
		if (pi < p.length && p[pi] === "*") {
			star = pi++;
			resume = vi;
		} else if (pi < p.length && p[pi] === v[vi]) {
			pi++;
			vi++;
		} else if (star >= 0) {
			pi = star + 1;
			vi = ++resume;
		} else {
			return false;
		}
	}
	while (pi < p.length && p[pi] === "*") pi++;
	return pi === p.length;
}
