import { CopyButton } from "../../ui/copy-button.tsx";
import { Notice } from "../../ui/notice.tsx";
import { ShownOnceField } from "../../ui/shown-once-field.tsx";
import { TestConnectionPanel } from "./TestConnectionPanel.tsx";

/** A token's plaintext, shown this once with a copy button and a test right there. */
export function ShownOnceToken({ connectionId, token }: { connectionId: string; token: string }) {
	return (
		<div className="flex flex-col gap-4">
			<Notice tone="warning" title="Copy the token now">
				It is stored only as a hash and cannot be shown again. Paste it into your IdP as the bearer token.
			</Notice>
			<div className="flex flex-col gap-2">
				<ShownOnceField id="new-token" label="New token" value={token} />
				<CopyButton text={token} label="Copy token" />
			</div>
			<TestConnectionPanel connectionId={connectionId} token={token} />
		</div>
	);
}
