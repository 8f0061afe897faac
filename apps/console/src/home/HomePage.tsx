import { StatusPanel } from "../status/StatusPanel.tsx";

const principles = [
	{
		title: "Identity providers push",
		text: "Entra ID, Okta, Ping and OneLogin create, update and remove users and groups over SCIM 2.0.",
	},
	{
		title: "Access follows the directory",
		text: "Group membership in your identity provider decides who reaches which project, with which role.",
	},
	{
		title: "Deprovisioning is instant",
		text: "A user disabled in the directory loses access on the next request, not at the next sync.",
	},
	{
		title: "Everything is audited",
		text: "Every change is written to a tamper-evident audit trail you can verify and export.",
	},
];

/** The landing screen: what Roster does, and whether this server is ready to do it. */
export function HomePage() {
	return (
		<main className="page">
			<header>
				<h1>Roster</h1>
				<p className="lead">
					SCIM 2.0 provisioning for the test-management platform. Your identity provider stays the source of
					truth for who may sign in and what they may touch.
				</p>
			</header>
			<StatusPanel />
			<section className="panel" aria-labelledby="how-heading">
				<h2 id="how-heading">How it works</h2>
				<ul className="principles">
					{principles.map((principle) => (
						<li key={principle.title}>
							<h3>{principle.title}</h3>
							<p>{principle.text}</p>
						</li>
					))}
				</ul>
			</section>
		</main>
	);
}
