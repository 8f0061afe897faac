/** A secret shown this once: its label and a read-only field that selects itself for copying. */
export function ShownOnceField({ id, label, value }: { id: string; label: string; value: string }) {
	return (
		<>
			<label htmlFor={id} className="text-sm font-medium text-slate-800">
				{label}
			</label>
			<input
				id={id}
				readOnly
				value={value}
				onFocus={(event) => event.currentTarget.select()}
				className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900"
			/>
		</>
	);
}
