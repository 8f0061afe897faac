import type { AppRouter } from "@roster/server/trpc";
import { useMutation } from "@tanstack/react-query";
import { createTRPCClient, httpBatchStreamLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { useState } from "react";

type SaveEvent = inferRouterOutputs<AppRouter>["mappings"]["save"] extends AsyncIterable<infer E> ? E : never;
export type MappingChange = inferRouterInputs<AppRouter>["mappings"]["save"];
export type SavedMapping = Extract<SaveEvent, { kind: "saved" }>;
export type SaveProgress = Extract<SaveEvent, { kind: "progress" }>;

/**
 * `mappings.save` streams its progress, which needs `httpBatchStreamLink`; the console's shared client
 * batches without streaming. Until `trpc.ts` routes this procedure to a stream link (a `splitLink`), this
 * one client does, with the same address and CSRF header.
 */
const streamClient = createTRPCClient<AppRouter>({
	links: [httpBatchStreamLink({ url: "/trpc", headers: { "x-roster-csrf": "1" } })],
});

/**
 * Saves a mapping change, exposing the recompute's progress (users examined so far) while the one
 * transaction runs; resolves with the saved result and its impact.
 */
export function useSaveMapping(options: { onSaved?: (saved: SavedMapping) => void } = {}) {
	const [progress, setProgress] = useState<SaveProgress | undefined>(undefined);
	const mutation = useMutation({
		mutationKey: ["mappings", "save"],
		mutationFn: async (change: MappingChange): Promise<SavedMapping> => {
			setProgress(undefined);
			for await (const event of await streamClient.mappings.save.mutate(change)) {
				if (event.kind === "saved") return event;
				setProgress(event);
			}
			throw new Error("The save ended without a result; reload to see whether it was applied.");
		},
		onSuccess: (saved) => options.onSaved?.(saved),
	});
	return { ...mutation, progress };
}
