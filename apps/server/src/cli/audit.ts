import type { Database } from "@roster/db";
import { type AuditChainKeyring, auditChainKeyring } from "@roster/domain";
import { auditExportLines } from "../audit/export.ts";
import { offboardingReportLines } from "../audit/offboarding.ts";
import { sealAuditEvents } from "../audit/sealer.ts";
import { writeAll } from "../audit/stream.ts";
import { describeBreak, describeKeyVersions, verifyAuditChain } from "../audit/verify.ts";
import { OperationError } from "../operation-error.ts";
import { requireOrganization } from "../organizations/organizations.ts";
import type { Command, DirectCommand, UsagePart } from "./command.ts";
import { need, parseOutputFormat, parseSince } from "./flags.ts";

const org = { flag: "org", value: "SLUG", required: true } as const;
const report: UsagePart[] = [
	org,
	{ flag: "since", value: "ISO-8601" },
	{ flag: "format", value: "jsonl|csv" },
];

/**
 * `audit verify`: the summary line of an intact chain with the key versions of its links, or an
 * `OperationError` whose one line names the first broken link (printed on stderr, non-zero exit).
 */
export async function verifyAuditCommand(
	db: Database,
	orgSlug: string,
	keyring: AuditChainKeyring,
): Promise<string> {
	const organization = await requireOrganization(db, orgSlug);
	const result = await verifyAuditChain(db, organization.id, keyring);
	if (result.broken) throw new OperationError("conflict", describeBreak(orgSlug, result.broken));
	return (
		`Audit chain of ${orgSlug} is intact: ${result.verified} sealed event${result.verified === 1 ? "" : "s"} verified ` +
		`(keys: ${describeKeyVersions(result.byKeyVersion)}), ${result.unsealed} not sealed yet, head ${result.head}`
	);
}

/**
 * `audit export` and `audit offboarding`: the options and the organization are checked before the first
 * line is written, then the lines stream to stdout a page at a time.
 */
function reportCommand(name: string, description: string, lines: typeof auditExportLines): DirectCommand {
	return {
		name,
		usage: report,
		description,
		transaction: false,
		async run({ db, values, stdout }) {
			const format = parseOutputFormat(values.format);
			const since = parseSince(values.since);
			const organization = await requireOrganization(db, need(values, "org"));
			await writeAll(stdout, lines(db, { orgId: organization.id, since, format }));
			return [];
		},
	};
}

/** The audit trail: verify, seal, export and the offboarding report. */
export const auditCommands: Command[] = [
	{
		name: "audit verify",
		usage: [org],
		description: "check the organization's audit hash chain; one line names the first broken link",
		transaction: false,
		async run({ db, values, secret }) {
			return [await verifyAuditCommand(db, need(values, "org"), auditChainKeyring(secret))];
		},
	},
	{
		name: "audit seal",
		usage: [],
		description: "link every committed, unsealed audit event into its chain now",
		// The sealer commits a batch per transaction and seals only up to what every in-flight transaction
		// has committed, so it cannot run inside one.
		transaction: false,
		async run({ db, secret }) {
			const sealed = await sealAuditEvents(db, auditChainKeyring(secret));
			return [`Sealed ${sealed} audit event${sealed === 1 ? "" : "s"}`];
		},
	},
	reportCommand("audit export", "the audit events on stdout, oldest first", auditExportLines),
	reportCommand(
		"audit offboarding",
		"the offboarding report: every user deprovisioned or deleted through SCIM",
		offboardingReportLines,
	),
];
