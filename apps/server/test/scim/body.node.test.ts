import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/scim/body.ts";
import { createScimHarness, type ScimHarness } from "./harness.ts";

let h: ScimHarness;
let server: ReturnType<typeof serve>;
let port: number;

beforeAll(async () => {
	h = await createScimHarness();
	server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" });
	await new Promise<void>((resolve) => server.once("listening", () => resolve()));
	port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
	await h.close();
});

/** Sends a body in chunks without Content-Length, as a streaming client does, over a real socket. */
function post(path: string, chunks: (string | Buffer)[]): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = request(
			{
				host: "127.0.0.1",
				port,
				path: `/scim/v2${path}`,
				method: "POST",
				headers: { Authorization: `Bearer ${h.token}`, "Content-Type": "application/scim+json" },
			},
			(res) => {
				let body = "";
				res.setEncoding("utf8");
				res.on("data", (part: string) => {
					body += part;
				});
				res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
			},
		);
		req.on("error", reject);
		for (const chunk of chunks) req.write(chunk);
		req.end();
	});
}

describe("SCIM bodies over a real socket", () => {
	it("reads a body sent in several chunks", async () => {
		const json = JSON.stringify({
			schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
			userName: "chunked.body@example.com",
			displayName: "Zoë Chunked",
		});
		const bytes = Buffer.from(json);
		const reply = await post("/Users", [bytes.subarray(0, 10), bytes.subarray(10, 71), bytes.subarray(71)]);
		expect(reply.status).toBe(201);
		expect(JSON.parse(reply.body)).toMatchObject({ displayName: "Zoë Chunked" });
	});

	it("answers 413 to a streamed body past the limit, without a Content-Length to go by", async () => {
		const piece = Buffer.alloc(1024 * 1024, " ");
		const chunks = [
			Buffer.from('{"userName":"big"'),
			...Array.from({ length: 17 }, () => piece),
			Buffer.from("}"),
		];
		expect(chunks.reduce((sum, chunk) => sum + chunk.length, 0)).toBeGreaterThan(MAX_BODY_BYTES);
		const reply = await post("/Users", chunks);
		expect(reply.status).toBe(413);
		expect(JSON.parse(reply.body)).toMatchObject({ status: "413" });
	});

	it("answers 400 invalidSyntax to a body that is not UTF-8", async () => {
		const reply = await post("/Users", [Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])]);
		expect(reply.status).toBe(400);
		expect(JSON.parse(reply.body)).toMatchObject({ scimType: "invalidSyntax" });
	});
});
