import type { Tone } from "../../ui/badge.tsx";

/** The badge tone of an HTTP status: success, client error (the IdP's to fix), server error. */
export function statusTone(status: number): Tone {
	if (status < 300) return "success";
	if (status < 500) return "warning";
	return "danger";
}
