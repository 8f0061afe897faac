import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { getRouteApi, useNavigate } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { SESSION_PROBE } from "../app/session-probe.ts";
import { StatusPanel } from "../status/StatusPanel.tsx";
import { useTRPC } from "../trpc.ts";
import { Button } from "../ui/button.tsx";
import { fieldErrorsOf } from "../ui/errors.ts";
import { Field, TextInput } from "../ui/field.tsx";
import { Notice } from "../ui/notice.tsx";
import { signInProblem } from "./refusal.ts";
import { SsoSignIn } from "./SsoSignIn.tsx";
import { sessionMemory } from "./session-memory.ts";

const route = getRouteApi("/sign-in");

const REASONS = {
	expired: "Your session ended. Sign in again to continue.",
	"signed-out": "You are signed out.",
} as const;

/**
 * Email and password sign-in for local administrators, and single sign-on through the organization's
 * identity provider for everyone it provisions; Enter submits, and errors are announced.
 */
export function SignInPage() {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	const search = route.useSearch();
	const [email, setEmail] = useState("");
	const [password, setPassword] = useState("");
	const me = useQuery(trpc.session.me.queryOptions(undefined, { retry: false, meta: SESSION_PROBE }));
	const signIn = useMutation(
		trpc.session.signIn.mutationOptions({
			onError: () => setPassword(""),
			onSuccess: async () => {
				setPassword("");
				await queryClient.invalidateQueries();
				await navigate({ to: search.next ?? "/" });
			},
		}),
	);

	// "Your session ended" for a tab that was signed in and did not sign out (idle timeout, revoked,
	// deprovisioned), however it got here; a first visit is simply asked to sign in.
	const shownReason =
		search.reason === "signed-out" ? "signed-out" : sessionMemory.wasSignedIn() ? "expired" : undefined;
	const fieldErrors = fieldErrorsOf(signIn.error);
	const problem =
		signIn.isError && !fieldErrors.email && !fieldErrors.password ? signInProblem(signIn.error) : null;

	function submit(event: FormEvent) {
		event.preventDefault();
		signIn.mutate({ email, password });
	}

	return (
		<main id="main" className="flex min-h-screen items-center justify-center bg-slate-100 p-4">
			<div className="flex w-full max-w-sm flex-col gap-4">
				<div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
					<h1 className="text-2xl font-semibold text-accent-700">Roster</h1>
					<p className="mt-1 text-sm text-slate-600">Sign in to the provisioning console.</p>
					{me.isSuccess && (
						<Notice tone="info" className="mt-4">
							You are signed in as {me.data.userName}.{" "}
							<a className="font-medium underline" href="/">
								Go to the console
							</a>
						</Notice>
					)}
					{shownReason && !signIn.isError && !me.isSuccess && (
						<Notice tone={shownReason === "expired" ? "warning" : "neutral"} className="mt-4">
							{REASONS[shownReason]}
						</Notice>
					)}
					<form className="mt-4 flex flex-col gap-4" onSubmit={submit} noValidate>
						<Field label="Email" error={fieldErrors.email?.[0]}>
							{(control) => (
								<TextInput
									{...control}
									type="email"
									name="email"
									autoComplete="username"
									required
									value={email}
									onChange={(event) => setEmail(event.target.value)}
								/>
							)}
						</Field>
						<Field label="Password" error={fieldErrors.password?.[0]}>
							{(control) => (
								<TextInput
									{...control}
									type="password"
									name="password"
									autoComplete="current-password"
									required
									value={password}
									onChange={(event) => setPassword(event.target.value)}
								/>
							)}
						</Field>
						{problem && (
							<Notice tone={problem.tone} title={problem.title}>
								{problem.message}
							</Notice>
						)}
						<Button type="submit" variant="primary" busy={signIn.isPending} busyLabel="Signing in…">
							Sign in
						</Button>
					</form>
					<div className="my-5 flex items-center gap-3 text-xs text-slate-600" aria-hidden="true">
						<span className="h-px flex-1 bg-slate-200" />
						or
						<span className="h-px flex-1 bg-slate-200" />
					</div>
					<SsoSignIn next={search.next} />
				</div>
				<StatusPanel />
			</div>
		</main>
	);
}
