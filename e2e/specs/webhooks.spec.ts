import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { expectAccessible, provisionUser, signIn, snap } from "./fixtures.ts";

test("webhooks: add an endpoint (secret shown once), see a signed delivery in the log, replay it, disable, delete", async ({
	page,
	request,
}) => {
	const received: IncomingHttpHeaders[] = [];
	const receiver = createServer((req, res) => {
		req.resume();
		req.on("end", () => {
			received.push(req.headers);
			res.writeHead(200).end("thanks");
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
	const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/roster`;
	try {
		await signIn(page);
		await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
		await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
		await expectAccessible(page);

		await page.getByRole("button", { name: "Add endpoint" }).click();
		const dialog = page.getByRole("dialog", { name: "Add webhook endpoint" });
		await dialog.getByLabel("Endpoint URL").fill("ftp://nowhere.example");
		await dialog.getByRole("button", { name: "Add endpoint" }).click();
		await expect(dialog.getByText(/endpoint URL must use http or https/)).toBeVisible();
		await dialog.getByLabel("Endpoint URL").fill(url);
		await dialog.getByLabel("Description").fill("e2e receiver");
		await dialog.getByRole("button", { name: "Add endpoint" }).click();
		await expect(dialog.getByLabel("Signing secret")).toHaveValue(/^whsec_/);
		await expectAccessible(page);
		await snap(page, "webhooks-secret");
		await dialog.getByRole("button", { name: "Done" }).click();
		await expect(page.getByText("whsec_")).toHaveCount(0);

		const row = page.getByRole("row").filter({ hasText: url });
		await expect(row.getByText("Delivering")).toBeVisible();
		await provisionUser(request, `webhook-${Date.now()}@example.com`);
		await expect.poll(() => received.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
		const firstId = received[0]?.["webhook-id"];
		expect(received[0]?.["webhook-signature"]).toMatch(/^v1,/);

		await row.getByRole("link", { name: url }).click();
		await expect(page.getByRole("heading", { level: 1, name: "Delivery log" })).toBeVisible();
		const delivered = page.getByRole("row").filter({ hasText: String(firstId) });
		await expect(delivered.getByText("Delivered 200")).toBeVisible();
		await expectAccessible(page);
		await snap(page, "webhooks-deliveries");
		const count = received.length;
		await delivered.first().getByRole("button", { name: "Replay" }).click();
		await expect(page.getByRole("status").filter({ hasText: "Replay delivered (200)" })).toBeVisible();
		await expect.poll(() => received.length).toBe(count + 1);
		expect(received.at(-1)?.["webhook-id"]).toBe(firstId);
		await expect(page.getByText("1 (replay)")).toBeVisible();

		await page.getByRole("link", { name: "All endpoints" }).click();
		await row.getByRole("button", { name: "Disable" }).click();
		await expect(row.getByText("Disabled")).toBeVisible();
		await row.getByRole("button", { name: "Delete" }).click();
		await page
			.getByRole("dialog", { name: "Delete this endpoint?" })
			.getByRole("button", { name: "Delete endpoint" })
			.click();
		await expect(row).toHaveCount(0);
	} finally {
		receiver.closeAllConnections();
		receiver.close();
	}
});
