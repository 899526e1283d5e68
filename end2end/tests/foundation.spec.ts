// The foundation flow, clicked as a user clicks it: sign up, create a workspace, open its
// settings, see ServiceNotEnable, activate, see the bus, grant permissions, see the role,
// log out, log in, and find everything still there.
import { expect, freshEmail, hydrated, PASSWORD, shot, signUp, test, watchForErrors } from "./helpers";

test("sign up → workspace → activate → grant → log out → log in → still activated", async ({ page }) => {
  const errors = watchForErrors(page);
  const email = freshEmail("owner");
  const workspace = `ml-team-${Date.now() % 100000}`;

  await signUp(page, email);
  await expect(page.getByTestId("current-user")).toHaveText("Ada Lovelace");
  await shot(page, "01-workspaces-empty");

  // Create a workspace.
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create workspace" }).click();
  const row = page.getByRole("row").filter({ hasText: workspace });
  await expect(row).toBeVisible();
  await expect(page.getByLabel("Workspace name")).toHaveValue("");
  await shot(page, "02-workspace-created");

  // Open it, then Workspace settings → Event notification settings.
  await row.getByRole("link", { name: workspace }).click();
  await expect(page.getByRole("heading", { name: workspace })).toBeVisible();
  await page.getByRole("link", { name: "Workspace settings" }).click();
  await page.getByRole("tab", { name: "Event notification settings" }).click();
  await expect(page.getByRole("heading", { name: "ServiceNotEnable" })).toBeVisible();
  await shot(page, "03-service-not-enable");

  // Activate for free → the workspace's bus is named.
  await page.getByRole("button", { name: "Activate for free" }).click();
  await expect(page.getByTestId("workspace-bus")).toHaveText(`pai-system-${workspace}`);
  await expect(page.getByRole("heading", { name: "ServiceNotEnable" })).toHaveCount(0);
  await shot(page, "04-activated");

  // Grant permissions → the service-linked role and its policy.
  await page.getByRole("button", { name: "Grant permissions" }).click();
  const role = page.getByTestId("service-role");
  await expect(role).toContainText("AliyunServiceRoleForPAIWorkspace");
  await expect(page.getByLabel("Role policy")).toContainText("eventbridge:PutEvents");
  await shot(page, "05-granted");

  // The Event buses page lists the bus.
  await page.getByRole("link", { name: "Event buses" }).first().click();
  await expect(page.getByRole("cell", { name: `pai-system-${workspace}`, exact: true })).toBeVisible();

  // Log out, then log back in: everything is still there.
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/workspaces$/);
  await page.goto(`/workspaces/${workspace}/settings/notifications`);
  await hydrated(page);
  await expect(page.getByTestId("workspace-bus")).toHaveText(`pai-system-${workspace}`);
  await expect(page.getByTestId("service-role")).toContainText("AliyunServiceRoleForPAIWorkspace");
  await shot(page, "06-after-relogin");

  expect(errors).toEqual([]);
});

test("bad input is shown next to the field it concerns", async ({ page }) => {
  const errors = watchForErrors(page);

  // A password that is too short.
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("Email").fill(freshEmail("short"));
  await page.getByLabel("Display name").fill("Short");
  await page.getByLabel("Password").fill("123456789");
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page.locator("[data-field=password]")).toHaveText("must be at least 10 characters");
  await expect(page).toHaveURL(/\/signup$/);

  // A duplicate workspace name.
  await signUp(page, freshEmail("dup"));
  await page.getByLabel("Workspace name").fill("alpha");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("link", { name: "alpha" })).toBeVisible();
  await page.getByLabel("Workspace name").fill("alpha");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.locator("[data-field=name]")).toContainText("already have a workspace");
  await page.getByLabel("Workspace name").fill("no spaces allowed");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.locator("[data-field=name]")).toContainText("may contain only letters");
  await shot(page, "07-field-errors");

  expect(errors).toEqual([]);
});

test("a wrong password is refused with the same words as an unknown email", async ({ page }) => {
  const errors = watchForErrors(page);
  const email = freshEmail("wrong");
  await signUp(page, email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await hydrated(page);

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Login or password is incorrect.");
  await shot(page, "08-wrong-password");

  expect(errors).toEqual([]);
});

test("pages need a session and send the visitor back after login", async ({ page }) => {
  const errors = watchForErrors(page);
  const email = freshEmail("next");
  await signUp(page, email);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);

  await page.goto("/buses");
  await expect(page).toHaveURL(/\/login\?next=\/buses$/);
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/buses$/);
  await expect(page.getByRole("heading", { name: "Event buses" })).toBeVisible();

  expect(errors).toEqual([]);
});

test("forms work before the WebAssembly has loaded", async ({ browser }) => {
  // JavaScript off: the server-rendered forms post and redirect on their own.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const email = freshEmail("nojs");
  await page.goto("/signup");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Display name").fill("No Script");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect(page).toHaveURL(/\/workspaces$/);
  await page.getByLabel("Workspace name").fill("plain-html");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("link", { name: "plain-html" })).toBeVisible();
  await context.close();
});
