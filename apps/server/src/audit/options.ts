/** The output formats of the audit export and the offboarding report. */
export const auditOutputFormats = ["jsonl", "csv"] as const;
export type AuditOutputFormat = (typeof auditOutputFormats)[number];
