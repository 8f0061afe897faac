import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { HomePage } from "./home/HomePage.tsx";
import { createConsoleTrpcClient, TRPCProvider } from "./trpc.ts";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

const queryClient = new QueryClient();
const trpcClient = createConsoleTrpcClient();

createRoot(root).render(
	<StrictMode>
		<QueryClientProvider client={queryClient}>
			<TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
				<HomePage />
			</TRPCProvider>
		</QueryClientProvider>
	</StrictMode>,
);
