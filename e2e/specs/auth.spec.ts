import { expect as baseExpect, type Page, test } from "@playwright/test";
import { E2E_ADMINS, expectAccessible, signIn, snap } from "./fixtures.ts";

// Sign-ins run argon2 on a shared machine: allow for a busy server rather than fail on a slow answer.
const expect = baseExpect.configure({ timeout: 20_000 });
test.describe.configure({ timeout: 120_000 });

/** Fills the sign-in form and submits it with Enter, as a person does. */
async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
	await page.getByLabel("Email").fill(email);
	await page.getByLabel("Password").fill(password);
	await page.getByLabel("Password").press("Enter");
}

test("signs in with Enter, keeps the session cookie out of scripts' reach, and signs out", async ({
	page,
	context,
}) => {
	await signIn(page);
	await expect(page.getByText(E2E_ADMINS.main.email)).toBeVisible();
	const [cookie] = (await context.cookies()).filter((c) => c.name === "roster_session");
	expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
	expect(await page.evaluate<string>("document.cookie")).not.toContain("roster_session");

	await page.getByRole("button", { name: "Sign out" }).click();
	await expect(page).toHaveURL(/\/sign-in/);
	await expect(page.getByRole("status").filter({ hasText: "You are signed out." })).toBeVisible();
	expect((await context.cookies()).filter((c) => c.name === "roster_session")).toEqual([]);
	await page.goto("/users");
	await expect(page).toHaveURL(/\/sign-in/);
});

test("a wrong password says so without telling which part was wrong", async ({ page }) => {
	await page.goto("/sign-in");
	await submitSignIn(page, E2E_ADMINS.main.email, "not the password");
	const alert = page.getByRole("alert");
	await expect(alert).toContainText("Wrong email or password");
	await expect(page.getByLabel("Password")).toHaveValue("");
	await expectAccessible(page);
	await snap(page, "sign-in-wrong-password");
	await submitSignIn(page, "nobody@roster.test", "not the password");
	await expect(page.getByRole("alert")).toContainText("Wrong email or password");
});

test("ten wrong passwords lock an account, and then the right one is refused too", async ({ page }) => {
	const { email, password } = E2E_ADMINS.lockout;
	await page.goto("/sign-in");
	for (let attempt = 1; attempt < 10; attempt++) {
		await submitSignIn(page, email, `wrong password ${attempt}`);
		await expect(page.getByRole("alert")).toContainText("Wrong email or password");
		await expect(page.getByLabel("Password")).toHaveValue("");
	}
	await submitSignIn(page, email, "wrong password 10");
	const locked = page.getByRole("status").filter({ hasText: "Account locked" });
	await expect(locked).toContainText(/Try again after \d\d:\d\d/);
	await expect(locked).toContainText("roster admin unlock");

	await submitSignIn(page, email, password);
	await expect(page.getByRole("status").filter({ hasText: "Account locked" })).toBeVisible();
	await expect(page).toHaveURL(/\/sign-in/);
	await expectAccessible(page);
	await snap(page, "sign-in-locked");
});

test("a screen reached signed out lands on sign-in, and signing in goes back to it", async ({ page }) => {
	await page.goto("/groups");
	await expect(page).toHaveURL(/\/sign-in/);
	await expect(page.getByLabel("Email")).toBeVisible();
	await expect(page.getByText("Your session ended")).toHaveCount(0);
	await submitSignIn(page, E2E_ADMINS.main.email, E2E_ADMINS.main.password);
	await expect(page).toHaveURL(/\/groups$/);
	await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
});

test("a session that ends mid-visit sends the reader to sign-in with a notice", async ({ page, context }) => {
	await signIn(page);
	await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
	await context.clearCookies();
	await page.reload();
	await expect(page).toHaveURL(/\/sign-in/);
	await expect(page.getByRole("status").filter({ hasText: "Your session ended" })).toBeVisible();
	await expectAccessible(page);
	await snap(page, "sign-in-session-ended");
	await submitSignIn(page, E2E_ADMINS.main.email, E2E_ADMINS.main.password);
	await expect(page).toHaveURL(/\/users$/);
});
