const KEY = "roster.signedIn";

/**
 * Whether this browser tab has been signed in since it last signed out, so the sign-in page can tell
 * "your session ended" (idle timeout, revoked, deprovisioned) from a first visit. Only a flag: the
 * session itself lives in an HttpOnly cookie no script can read.
 */
export const sessionMemory = {
	remember(): void {
		sessionStorage.setItem(KEY, "1");
	},
	forget(): void {
		sessionStorage.removeItem(KEY);
	},
	wasSignedIn(): boolean {
		return sessionStorage.getItem(KEY) === "1";
	},
};
