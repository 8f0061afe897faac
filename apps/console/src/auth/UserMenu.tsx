import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "@tanstack/react-router";
import { useEffect } from "react";
import { useTRPC } from "../trpc.ts";
import { Button } from "../ui/button.tsx";
import { sessionMemory } from "./session-memory.ts";

/**
 * Who is signed in, and the way out. Signing out drops every cached answer before leaving, and forgets
 * that this tab was signed in (so sign-in then says "signed out", not "your session ended").
 */
export function UserMenu({ userName }: { userName: string }) {
	const trpc = useTRPC();
	const queryClient = useQueryClient();
	const navigate = useNavigate();
	useEffect(() => sessionMemory.remember(), []);
	const signOut = useMutation(
		trpc.session.signOut.mutationOptions({
			onSettled: async () => {
				sessionMemory.forget();
				queryClient.clear();
				await navigate({ to: "/sign-in", search: { reason: "signed-out" } });
			},
		}),
	);
	return (
		<div className="flex items-center gap-3 text-sm">
			<span className="hidden text-slate-700 sm:inline">{userName}</span>
			<Button size="sm" busy={signOut.isPending} busyLabel="Signing out…" onClick={() => signOut.mutate()}>
				Sign out
			</Button>
		</div>
	);
}
