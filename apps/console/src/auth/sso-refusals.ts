import type { SsoRefusalReason } from "@roster/domain/inputs/sso";

/** What the refusal page says for a reason: what happened, and what the reader can do about it. */
export interface SsoRefusalText {
	title: string;
	happened: string;
	todo: string;
}

/** Plain words for every reason Roster refuses a single sign-on with. */
export const SSO_REFUSALS: Record<SsoRefusalReason, SsoRefusalText> = {
	not_provisioned: {
		title: "You do not have a Roster account yet",
		happened:
			"Your identity provider signed you in, but this organization's Roster has no account for you: your identity provider has not provisioned you to Roster.",
		todo: "Ask your identity provider administrator to assign you to the Roster application. Once the next provisioning cycle has run, sign in again.",
	},
	inactive: {
		title: "Your Roster account is deactivated",
		happened: "Your organization turned your Roster account off, so you cannot sign in.",
		todo: "If you think this is a mistake, ask your identity provider administrator to reactivate your account.",
	},
	no_access: {
		title: "Your account has no access to Roster",
		happened: "You have a Roster account, but none of your groups or roles grants access to the console.",
		todo: "Ask your administrator to add you to a group that grants access, then sign in again.",
	},
	idp_error: {
		title: "Your identity provider did not sign you in",
		happened: "The sign-in was cancelled, or your identity provider refused it or could not be reached.",
		todo: "Try again. If it keeps happening, ask your identity provider administrator to check the Roster application.",
	},
	invalid_response: {
		title: "The sign-in could not be verified",
		happened:
			"Roster could not verify the answer it received from your identity provider, so it did not sign you in.",
		todo: "Start again from the sign-in page. If it keeps happening, ask your administrator to check the single sign-on settings.",
	},
	expired: {
		title: "The sign-in took too long",
		happened:
			"The sign-in was not finished within 10 minutes, was already used, or began in another browser.",
		todo: "Start again from the sign-in page.",
	},
	not_configured: {
		title: "Single sign-on is not available here",
		happened: "There is no organization by that name with single sign-on turned on.",
		todo: "Check the organization name with your administrator, or sign in with your email and password if you have them.",
	},
	throttled: {
		title: "Too many failed sign-ins",
		happened: "Too many sign-ins from your network failed recently, so Roster is refusing more for a while.",
		todo: "Wait 15 minutes, then try again.",
	},
};

/** For an address whose reason Roster never sends. */
export const UNKNOWN_REFUSAL: SsoRefusalText = {
	title: "You were not signed in",
	happened: "The single sign-on did not complete.",
	todo: "Start again from the sign-in page.",
};
