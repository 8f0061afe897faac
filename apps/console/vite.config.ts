import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const serverOrigin = "http://127.0.0.1:8787";

/** In dev, Vite serves the console and forwards every server route to the Roster server on its default port. */
export default defineConfig({
	plugins: [react(), tailwindcss()],
	build: { outDir: "dist", emptyOutDir: true },
	server: {
		proxy: {
			"/trpc": serverOrigin,
			"/exports": serverOrigin,
			"/scim": serverOrigin,
			"/organizations": serverOrigin,
			"/healthz": serverOrigin,
			"/readyz": serverOrigin,
		},
	},
});
