import { describe, expect, it } from "vitest";
import { attribute } from "../src/schemas/define.ts";
import {
	ENTERPRISE_USER_SCHEMA,
	isSecretAttribute,
	isSecretAttributePath,
	secretAttributeNames,
	USER_SCHEMA,
} from "../src/schemas/index.ts";

describe("secret attributes", () => {
	it("are read from the schemas: password is the one Roster serves today", () => {
		expect([...secretAttributeNames]).toEqual(["password"]);
	});

	it("are those RFC 7643 marks writeOnly or returned: never", () => {
		expect(isSecretAttribute(attribute("pin", "string", "", { mutability: "writeOnly" }))).toBe(true);
		expect(isSecretAttribute(attribute("hash", "string", "", { returned: "never" }))).toBe(true);
		expect(isSecretAttribute(attribute("nickName", "string", ""))).toBe(false);
	});

	it.each([
		["password", true],
		["PassWord", true],
		[" password ", true],
		[`${USER_SCHEMA}:password`, true],
		[`${USER_SCHEMA.toUpperCase()}:PASSWORD`, true],
		[`${ENTERPRISE_USER_SCHEMA}:password`, true],
		['password[value eq "x"]', true],
		["password.value", true],
		["name.password", true],
		["password:", true],
		["userName", false],
		['emails[value eq "password"]', false],
		[ENTERPRISE_USER_SCHEMA, false],
		["passwordless", false],
		["", false],
	])("%j names a secret: %s", (path, secret) => {
		expect(isSecretAttributePath(path)).toBe(secret);
	});
});
