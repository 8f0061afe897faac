import { userFieldsFromScim } from "@roster/domain";
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from "@roster/domain/inputs/imports";
import { isJsonObject, type JsonObject, normalizeResource, ScimError, userResourceType } from "@roster/scim";
import { CsvError, parse } from "csv-parse/sync";
import { OperationError } from "../operation-error.ts";

/** The columns of a CSV import (and the keys of a flat JSON row), as the header names them. */
export const IMPORT_COLUMNS = [
	"userName",
	"email",
	"givenName",
	"familyName",
	"displayName",
	"externalId",
	"active",
] as const;
type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** One row of an import file as the SCIM User resource it stands for, numbered from 1 in file order. */
export interface ParsedImportRow {
	rowNumber: number;
	userName: string;
	resource: JsonObject;
}

function refuse(message: string): never {
	throw new OperationError("invalid", message);
}

const BOOLEANS = new Map([
	["true", true],
	["yes", true],
	["1", true],
	["false", false],
	["no", false],
	["0", false],
]);

/** A flat row (CSV columns or the same keys in JSON) as a SCIM User resource; empty values are left out. */
function resourceOfFlatRow(rowNumber: number, row: Partial<Record<ImportColumn, unknown>>): JsonObject {
	const text = (column: ImportColumn): string | undefined => {
		const value = row[column];
		if (value === undefined || value === null) return undefined;
		if (typeof value !== "string") refuse(`Row ${rowNumber}, column ${column}: expected text`);
		return value.trim() === "" ? undefined : value.trim();
	};
	const resource: JsonObject = { schemas: [userResourceType.schema] };
	const userName = text("userName");
	if (userName !== undefined) resource.userName = userName;
	for (const column of ["displayName", "externalId"] as const) {
		const value = text(column);
		if (value !== undefined) resource[column] = value;
	}
	const givenName = text("givenName");
	const familyName = text("familyName");
	if (givenName !== undefined || familyName !== undefined) {
		resource.name = { ...(givenName && { givenName }), ...(familyName && { familyName }) };
	}
	const email = text("email");
	if (email !== undefined) resource.emails = [{ value: email, type: "work", primary: true }];
	const active = row.active;
	if (typeof active === "boolean") resource.active = active;
	else {
		const written = text("active");
		if (written !== undefined) {
			const value = BOOLEANS.get(written.toLowerCase());
			if (value === undefined) refuse(`Row ${rowNumber}, column active: "${written}" is not true or false`);
			resource.active = value;
		}
	}
	return resource;
}

/** Checks a row with the very rules a SCIM POST applies, so a bad row is refused before a job exists. */
function validated(rowNumber: number, resource: JsonObject): ParsedImportRow {
	try {
		const normalized = normalizeResource(resource, userResourceType).resource;
		const { userName } = userFieldsFromScim(normalized);
		if (userName.trim() === "") refuse(`Row ${rowNumber}, column userName: a userName is required`);
		return { rowNumber, userName, resource: normalized };
	} catch (error) {
		if (error instanceof ScimError) refuse(`Row ${rowNumber}: ${error.detail}`);
		throw error;
	}
}

function columnOf(name: string): ImportColumn | undefined {
	return IMPORT_COLUMNS.find((column) => column.toLowerCase() === name.trim().toLowerCase());
}

function parseCsv(content: string): ParsedImportRow[] {
	let records: string[][];
	try {
		records = parse(content, { bom: true, skip_empty_lines: true, to_line: MAX_IMPORT_ROWS + 2 });
	} catch (error) {
		if (error instanceof CsvError) refuse(`The CSV file cannot be read: ${error.message}`);
		throw error;
	}
	const [header, ...body] = records;
	if (!header) refuse("The file is empty: expected a header row and one row per user");
	const columns = header.map((name) => {
		const column = columnOf(name);
		if (!column) refuse(`Header: unknown column "${name}" (columns: ${IMPORT_COLUMNS.join(", ")})`);
		return column;
	});
	const repeated = columns.find((column, index) => columns.indexOf(column) !== index);
	if (repeated) refuse(`Header: column ${repeated} appears twice`);
	if (!columns.includes("userName")) refuse("Header: the userName column is required");
	return body.map((cells, index) => {
		const row = Object.fromEntries(columns.map((column, at) => [column, cells[at]]));
		return validated(index + 1, resourceOfFlatRow(index + 1, row));
	});
}

/** A flat row has only import columns with plain values; anything else is read as a SCIM User resource. */
function isFlatRow(row: JsonObject): boolean {
	return Object.entries(row).every(
		([key, value]) => columnOf(key) !== undefined && (value === null || typeof value !== "object"),
	);
}

function parseJson(content: string): ParsedImportRow[] {
	let document: unknown;
	try {
		document = JSON.parse(content);
	} catch (error) {
		refuse(`The JSON file cannot be read: ${(error as Error).message}`);
	}
	// A SCIM ListResponse (an IdP's export) holds its users in `Resources`.
	const list = isJsonObject(document) && Array.isArray(document.Resources) ? document.Resources : document;
	if (!Array.isArray(list)) refuse("The JSON file must hold an array of users");
	if (list.length > MAX_IMPORT_ROWS) refuse(`The file holds more than ${MAX_IMPORT_ROWS} users`);
	return list.map((item: unknown, index) => {
		const rowNumber = index + 1;
		if (!isJsonObject(item)) refuse(`Row ${rowNumber}: expected a JSON object`);
		if (!isFlatRow(item)) return validated(rowNumber, item);
		const row = Object.fromEntries(Object.entries(item).map(([key, value]) => [columnOf(key), value]));
		return validated(rowNumber, resourceOfFlatRow(rowNumber, row));
	});
}

/**
 * Reads an import file: JSON when it starts with `[` or `{` (an array of SCIM User resources or of flat
 * rows, or a SCIM ListResponse), else CSV with a header row of `IMPORT_COLUMNS`. The whole file is checked
 * before anything is stored; the first problem is refused with its row and column, as is a file over the
 * limits or one naming a userName twice (case-insensitively, as SCIM compares them).
 */
export function parseUserImport(content: string): ParsedImportRow[] {
	if (Buffer.byteLength(content, "utf8") > MAX_IMPORT_BYTES) {
		refuse(`The file is larger than ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB`);
	}
	const rows = /^\s*[[{]/.test(content) ? parseJson(content) : parseCsv(content);
	if (rows.length === 0) refuse("The file holds no users");
	if (rows.length > MAX_IMPORT_ROWS) refuse(`The file holds more than ${MAX_IMPORT_ROWS} users`);
	const firstRow = new Map<string, number>();
	for (const row of rows) {
		const key = row.userName.toLowerCase();
		const earlier = firstRow.get(key);
		if (earlier !== undefined)
			refuse(`Row ${row.rowNumber}: userName "${row.userName}" repeats row ${earlier}`);
		firstRow.set(key, row.rowNumber);
	}
	return rows;
}
