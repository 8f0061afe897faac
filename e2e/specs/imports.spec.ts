import { expect, test } from "@playwright/test";
import { expectAccessible, signIn, snap } from "./fixtures.ts";

/** Names unique to this run. */
const run = Date.now().toString(36);

function csv(name: string, content: string) {
	return { name, mimeType: "text/csv", buffer: Buffer.from(content) };
}

test("the Import users dialog refuses a bad file with its row, then queues a good one and shows its progress", async ({
	page,
}) => {
	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
	await page.getByRole("button", { name: "Import users" }).click();
	const dialog = page.getByRole("dialog", { name: "Import users" });
	await expect(dialog).toBeVisible();
	await dialog.getByLabel("Connection").selectOption({ label: "e2e-seed" });

	await dialog
		.getByLabel("File")
		.setInputFiles(
			csv("bad.csv", `userName,active\nok-${run}@example.com,true\nbad-${run}@example.com,sometimes\n`),
		);
	await dialog.getByRole("button", { name: "Start import" }).click();
	await expect(dialog.getByRole("alert")).toContainText(
		'Row 2, column active: "sometimes" is not true or false',
	);
	await expectAccessible(page);
	await snap(page, "users-import-refused");

	await dialog
		.getByLabel("File")
		.setInputFiles(
			csv("good.csv", `userName,givenName\nann-${run}@example.com,Ann\nben-${run}@example.com,Ben\n`),
		);
	await dialog.getByRole("button", { name: "Start import" }).click();
	const progress = dialog.getByRole("progressbar", { name: /2 rows into e2e-seed/ });
	await expect(progress).toBeVisible();
	await expectAccessible(page);
	await snap(page, "users-import-progress");
});
