// Shared steps of the browser tests: fail on any page error, wait for hydration, sign up a
// fresh user, and ready a workspace for event rules.
import { expect, Page, test } from "@playwright/test";

/** Collect page errors and hydration complaints; the test fails if there are any. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    const text = m.text();
    if (m.type() === "error" && !/Failed to load resource/.test(text)) {
      errors.push(`console: ${text}`);
    }
    if (/hydrat/i.test(text) && /error|panick/i.test(text)) {
      errors.push(`hydration: ${text}`);
    }
  });
  return errors;
}

/** Wait until the WebAssembly has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** A unique email for this run. */
export function freshEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

export const PASSWORD = "correct horse battery";

/** Sign up through the form and land on the workspaces page. */
export async function signUp(page: Page, email: string, name = "Ada Lovelace") {
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/workspaces$/);
  await expect(page.getByRole("heading", { name: "Workspaces" })).toBeVisible();
}

/** Sign up (as `email`, a fresh one by default), create workspace `name`, activate
 * EventBridge and grant permissions: its system bus is ready for rules. */
export async function readyWorkspace(page: Page, name: string, email = freshEmail(name)) {
  await signUp(page, email);
  await page.getByLabel("Workspace name").fill(name);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  await page.goto(`/workspaces/${name}/settings/notifications`);
  await hydrated(page);
  await page.getByRole("button", { name: "Activate for free" }).click();
  await expect(page.getByTestId("workspace-bus")).toHaveText(`pai-system-${name}`);
  await page.getByRole("button", { name: "Grant permissions" }).click();
  await expect(page.getByTestId("service-role")).toBeVisible();
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

export { expect, test };
