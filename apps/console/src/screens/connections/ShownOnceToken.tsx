import { CopyButton } from "../../ui/copy-button.tsx";
import { Notice } from "../../ui/notice.tsx";
import { TestConnectionPanel } from "./TestConnectionPanel.tsx";

/** A token's plaintext, shown this once with a copy button and a test right there. */
export function ShownOnceToken({ connectionId, token }: { connectionId: string; token: string }) {
	return (
		<div className="flex flex-col gap-4">
			<Notice tone="warning" title="Copy the token now">
				It is stored only as a hash and cannot be shown again. Paste it into your IdP as the bearer token.
			</Notice>
			<div className="flex flex-col gap-2">
				<label htmlFor="new-token" className="text-sm font-medium text-slate-800">
					New token
				</label>
				<input
					id="new-token"
					readOnly
					value={token}
					onFocus={(event) => event.currentTarget.select()}
					className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900"
				/>
				<CopyButton text={token} label="Copy token" />
			</div>
			<TestConnectionPanel connectionId={connectionId} token={token} />
		</div>
	);
}
