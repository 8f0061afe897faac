import type { AppRouter } from "@roster/server/trpc";
import { useMutation } from "@tanstack/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { useTRPCClient } from "../../trpc.ts";

type SaveEvent = inferRouterOutputs<AppRouter>["mappings"]["save"] extends AsyncIterable<infer E> ? E : never;
export type MappingChange = inferRouterInputs<AppRouter>["mappings"]["save"];
export type SavedMapping = Extract<SaveEvent, { kind: "saved" }>;
export type SaveProgress = Extract<SaveEvent, { kind: "progress" }>;

/**
 * Saves a mapping change, exposing the recompute's progress (users examined so far) while the one
 * transaction runs; resolves with the saved result and its impact.
 */
export function useSaveMapping(options: { onSaved?: (saved: SavedMapping) => void } = {}) {
	const client = useTRPCClient();
	const [progress, setProgress] = useState<SaveProgress | undefined>(undefined);
	const mutation = useMutation({
		mutationKey: ["mappings", "save"],
		mutationFn: async (change: MappingChange): Promise<SavedMapping> => {
			setProgress(undefined);
			for await (const event of await client.mappings.save.mutate(change)) {
				if (event.kind === "saved") return event;
				setProgress(event);
			}
			throw new Error("The save ended without a result; reload to see whether it was applied.");
		},
		onSuccess: (saved) => options.onSaved?.(saved),
	});
	return { ...mutation, progress };
}
