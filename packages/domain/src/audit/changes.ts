/** An audit record's `changes`: each changed field with its old and new value. */
export type FieldChanges = Record<string, { old: unknown; new: unknown }>;

function same(a: unknown, b: unknown): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Field-level difference between two flat snapshots (missing counts as null). Nested values are compared
 * whole, so `emails` changing shows as one field; that is the granularity auditors read.
 */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>): FieldChanges {
	const changes: FieldChanges = {};
	for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
		const oldValue = before[key] ?? null;
		const newValue = after[key] ?? null;
		if (!same(oldValue, newValue)) changes[key] = { old: oldValue, new: newValue };
	}
	return changes;
}
