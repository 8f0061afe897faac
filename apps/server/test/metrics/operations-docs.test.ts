import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SERVER_DIR } from "../helpers.ts";
import { createScimHarness, type ScimHarness } from "../scim/harness.ts";
import { exposedNames, parseExposition } from "./exposition.ts";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789abcdef";
const OPERATIONS_DIR = join(SERVER_DIR, "../../docs/operations");
/** Every word of a PromQL expression that names one of Roster's or prom-client's default metrics. */
const METRIC_NAME = /\b(?:roster|process|nodejs)_[a-z0-9_]+\b/g;

interface AlertRule {
	alert: string;
	expr: string;
	for?: string;
}

let h: ScimHarness;
let exposed: Set<string>;

beforeAll(async () => {
	h = await createScimHarness({ config: { metricsToken: METRICS_TOKEN } });
	const res = await h.app.request("/metrics", { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
	exposed = exposedNames(parseExposition(await res.text()));
});

afterAll(async () => {
	await h.close();
});

function namesIn(expression: string): string[] {
	return [...expression.matchAll(METRIC_NAME)].map((match) => match[0]);
}

function expressions(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(expressions);
	if (typeof value !== "object" || value === null) return [];
	return Object.entries(value).flatMap(([key, inner]) =>
		key === "expr" && typeof inner === "string" ? [inner] : expressions(inner),
	);
}

describe("the operations docs", () => {
	it("alert only on metrics /metrics exposes, for error rate, silent connections and sealer lag", () => {
		const rules = parse(readFileSync(join(OPERATIONS_DIR, "alerts.yaml"), "utf8")) as {
			groups: { name: string; rules: AlertRule[] }[];
		};
		const alerts = rules.groups.flatMap((group) => group.rules);
		expect(alerts.map((rule) => rule.alert)).toEqual(
			expect.arrayContaining([
				"RosterScimServerErrors",
				"RosterScimConnectionSilent",
				"RosterAuditSealerLag",
			]),
		);
		for (const rule of alerts) {
			const names = namesIn(rule.expr);
			expect(names.length, rule.alert).toBeGreaterThan(0);
			for (const name of names) expect(exposed, `${rule.alert}: ${name}`).toContain(name);
		}
	});

	it("unit-test the alert rules (promtool test rules) on series /metrics exposes", () => {
		const unitTests = parse(readFileSync(join(OPERATIONS_DIR, "alerts.test.yaml"), "utf8")) as {
			rule_files: string[];
			tests: { input_series: { series: string }[]; alert_rule_test: { alertname: string }[] }[];
		};
		expect(unitTests.rule_files).toEqual(["alerts.yaml"]);
		const tested = unitTests.tests.flatMap((test) => test.alert_rule_test.map((rule) => rule.alertname));
		expect(tested).toEqual(expect.arrayContaining(["RosterScimConnectionSilent", "RosterAuditSealerLag"]));
		for (const { series } of unitTests.tests.flatMap((test) => test.input_series)) {
			const names = namesIn(series);
			expect(names, series).toHaveLength(1);
			expect(exposed, series).toContain(names[0]);
		}
	});

	it("chart only metrics /metrics exposes on the Grafana dashboard", () => {
		const dashboard = JSON.parse(readFileSync(join(OPERATIONS_DIR, "grafana-dashboard.json"), "utf8"));
		const queries = expressions(dashboard.panels);
		expect(queries.length).toBeGreaterThanOrEqual(10);
		for (const query of queries) {
			const names = namesIn(query);
			expect(names.length, query).toBeGreaterThan(0);
			for (const name of names) expect(exposed, name).toContain(name);
		}
	});

	it("document every Roster metric /metrics exposes", () => {
		const documented = readFileSync(join(OPERATIONS_DIR, "metrics.md"), "utf8");
		const families = [...exposed]
			.filter((name) => name.startsWith("roster_"))
			.map((name) => name.replace(/_(?:bucket|sum|count)$/, ""));
		expect(families.length).toBeGreaterThanOrEqual(9);
		for (const family of new Set(families)) expect(documented, family).toContain(`\`${family}\``);
	});
});
