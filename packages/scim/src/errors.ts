/** The `scimType` values of RFC 7644 §3.12 and RFC 9865. */
export type ScimType =
	| "invalidFilter"
	| "tooMany"
	| "uniqueness"
	| "mutability"
	| "invalidSyntax"
	| "invalidPath"
	| "noTarget"
	| "invalidValue"
	| "invalidVers"
	| "sensitive"
	/** RFC 9865 cursor pagination. */
	| "invalidCursor"
	| "expiredCursor";

export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

/** The one error type of the SCIM protocol: thrown anywhere, rendered once by the server's error handler. */
export class ScimError extends Error {
	readonly status: number;
	readonly scimType: ScimType | undefined;

	constructor(status: number, scimType: ScimType | undefined, detail: string) {
		super(detail);
		this.name = "ScimError";
		this.status = status;
		this.scimType = scimType;
	}

	get detail(): string {
		return this.message;
	}

	/** The RFC 7644 §3.12 error body; `status` is a string as the RFC's examples show. */
	toJSON(): { schemas: string[]; status: string; scimType?: ScimType; detail: string } {
		return {
			schemas: [SCIM_ERROR_SCHEMA],
			status: String(this.status),
			...(this.scimType ? { scimType: this.scimType } : {}),
			detail: this.message,
		};
	}
}
