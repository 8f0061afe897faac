import type { Database } from "@roster/db";
import type { AuditChainKeyring } from "@roster/domain";
import { OperationError } from "../operation-error.ts";
import { requireOrganization } from "../organizations/organizations.ts";
import { auditExportLines } from "./export.ts";
import { offboardingReportLines } from "./offboarding.ts";
import { parseOutputFormat, parseSince } from "./options.ts";
import { describeBreak, describeKeyVersions, verifyAuditChain } from "./verify.ts";

/**
 * `audit verify`: the summary line of an intact chain with the key versions of its links, or a
 * `OperationError` whose one line names the first broken link (the CLI prints it on stderr and exits
 * non-zero).
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
 * `audit export` and `audit offboarding`: checks the options and the organization before the first line
 * is written, then hands back the lines to stream.
 */
export async function auditReportCommand(
	db: Database,
	report: "events" | "offboarding",
	values: { org: string; since: string | undefined; format: string | undefined },
): Promise<AsyncIterable<string>> {
	const format = parseOutputFormat(values.format);
	const since = parseSince(values.since);
	const organization = await requireOrganization(db, values.org);
	const options = { orgId: organization.id, since, format };
	return report === "events" ? auditExportLines(db, options) : offboardingReportLines(db, options);
}
