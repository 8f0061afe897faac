import { useQuery } from "@tanstack/react-query";
import { createRoute } from "@tanstack/react-router";
import { appRoute } from "../../app/app-route.tsx";
import { useTRPC } from "../../trpc.ts";
import { Page } from "../../ui/page.tsx";
import { QueryView } from "../../ui/query-view.tsx";
import { SettingsForm } from "./SettingsForm.tsx";
import { SsoSection } from "./SsoSection.tsx";

/** Organization settings (the same choices and validation as `pnpm roster org set`), then single sign-on. */
function SettingsPage() {
	const trpc = useTRPC();
	const settings = useQuery(trpc.settings.get.queryOptions());
	return (
		<Page
			title="Settings"
			description="Your organization's provisioning, access and single sign-on settings. Every change is audited."
		>
			<QueryView query={settings} loadingLabel="Loading settings…">
				{(data) => <SettingsForm settings={data} />}
			</QueryView>
			<SsoSection />
		</Page>
	);
}

/** The Settings screen's routes. */
export const settingsRoutes = [
	createRoute({ getParentRoute: () => appRoute, path: "/settings", component: SettingsPage }),
] as const;
