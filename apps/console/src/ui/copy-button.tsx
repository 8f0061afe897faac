import { useState } from "react";
import { Button } from "./button.tsx";

/** Copies `text` to the clipboard and says so (in a live region) for two seconds. */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
	const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
	async function copy() {
		try {
			await navigator.clipboard.writeText(text);
			setCopied("copied");
		} catch {
			setCopied("failed");
		}
		setTimeout(() => setCopied("idle"), 2000);
	}
	return (
		<span className="inline-flex items-center gap-2">
			<Button size="sm" onClick={() => void copy()}>
				{label}
			</Button>
			<span role="status" className="text-xs text-slate-600">
				{copied === "copied"
					? "Copied"
					: copied === "failed"
						? "Copy failed: select the text and copy it"
						: ""}
			</span>
		</span>
	);
}
