// RAM users in the browser: the owner writes a policy from the seed template (checked as
// typed, with line and column), creates a user and attaches the policy; the user logs in
// as name@account, must choose its own password, and creates a rule. A read-only user sees
// no "Create event rule" and the owner's audit log records what happened.
import type { Page } from "@playwright/test";
import { expect, freshEmail, hydrated, PASSWORD, readyWorkspace, shot, test, watchForErrors } from "./helpers";

const USER_PASSWORD = "initial password 1";
const CHOSEN_PASSWORD = "alice chose this one";

/** Create a policy from a template button, named `name`. */
async function policyFromTemplate(page: Page, template: string, name: string) {
  await page.goto("/ram/policies");
  await hydrated(page);
  await page.getByRole("button", { name: `Template: ${template}` }).click();
  const form = page.getByRole("form", { name: "Policy" });
  await form.getByLabel("Name").fill(name);
  await expect(form.getByTestId("policy-check")).toHaveText("✔ Valid policy");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("table", { name: "Policies" }).locator(`tr[data-policy="${name}"]`)).toBeVisible();
}

/** Create RAM user `login` and attach `policy`; returns what it logs in with. */
async function userWithPolicy(page: Page, login: string, policy: string): Promise<string> {
  await page.goto("/ram/users");
  await hydrated(page);
  const create = page.getByRole("form", { name: "Create user" });
  await create.getByLabel("Login name").fill(login);
  await create.getByLabel("Display name").fill(login[0].toUpperCase() + login.slice(1));
  await create.getByLabel("Initial password").fill(USER_PASSWORD);
  await create.getByRole("button", { name: "Create user" }).click();
  const row = page.locator(`tr[data-user="${login}"]`);
  await expect(row.getByTestId("user-status")).toHaveText("active · must change password");
  await row.getByLabel("Policy to attach").selectOption({ label: policy });
  await row.getByRole("button", { name: "Attach" }).click();
  await expect(row).toContainText(policy);
  const name = (await row.locator("code").first().textContent()) ?? "";
  expect(name).toMatch(new RegExp(`^${login}@\\d+$`));
  return name;
}

async function logOut(page: Page) {
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

async function logIn(page: Page, login: string, password: string) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

test("the owner creates a RAM user with the seed policy; the user changes its password and creates a rule", async ({ page }) => {
  const errors = watchForErrors(page);
  const owner = freshEmail("ram-owner");
  await readyWorkspace(page, "ramteam", owner);

  // The policy editor checks as you type and points at the line and column.
  await page.goto("/ram/policies");
  await hydrated(page);
  await page.getByRole("button", { name: "Template: AliyunEventBridgeFullAccess" }).click();
  const form = page.getByRole("form", { name: "Policy" });
  const doc = form.getByLabel("Policy document");
  await expect(doc).toHaveValue(/eventbridge:CreateRule/);
  await expect(form.getByTestId("policy-check")).toHaveText("✔ Valid policy");
  const good = await doc.inputValue();
  await doc.fill(good.replace('"eventbridge:CreateRule"', '"eventbridge:createrule"'));
  await expect(form.getByTestId("policy-check")).toContainText("unknown action \"eventbridge:createrule\"");
  await expect(form.getByTestId("policy-check")).toContainText("did you mean \"eventbridge:CreateRule\"");
  await expect(form.getByTestId("policy-check")).toContainText(/line \d+, column \d+/);
  await doc.fill('{\n  "Version": "1",\n  "Statement": [,]\n}');
  await expect(form.getByTestId("policy-check")).toContainText("line 3, column 17: not valid JSON");
  // The server refuses it too, naming the field.
  await form.getByLabel("Name").fill("eb-full");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(form.locator('[data-field="document"]')).toContainText("line 3, column 17");
  await doc.fill(good);
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("table", { name: "Policies" }).locator('tr[data-policy="eb-full"]')).toBeVisible();
  await shot(page, "60-policies");

  const alice = await userWithPolicy(page, "alice", "eb-full");
  await shot(page, "61-users");
  await logOut(page);

  // Alice logs in as name@account and must choose her own password first.
  await logIn(page, alice, USER_PASSWORD);
  await expect(page).toHaveURL(/\/password$/);
  await expect(page.getByRole("status")).toContainText("choose your own password");
  await page.goto("/buses/pai-system-ramteam");
  await expect(page).toHaveURL(/\/password$/);
  await hydrated(page);
  await page.getByLabel("Current password").fill(USER_PASSWORD);
  await page.getByLabel("New password").fill(CHOSEN_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password is changed.")).toBeVisible();

  // The owner's pages are not offered to her; the bus and its rule form are.
  await expect(page.getByRole("link", { name: "Users", exact: true })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await page.goto("/buses/pai-system-ramteam");
  await hydrated(page);
  await page.getByRole("link", { name: "Create event rule" }).click();
  await expect(page.getByRole("heading", { name: "Create event rule" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("Rule name").fill("alice-failures");
  await page.getByRole("radio", { name: /DLC job/ }).check();
  await page.getByRole("checkbox", { name: /dlc:Job:Failed/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("step-2")).toBeVisible();
  await page.getByRole("button", { name: "Add target" }).click();
  const target = page.getByTestId("target");
  await target.getByLabel("Target type").selectOption("wecom");
  await target.getByLabel("Webhook URL").fill("http://127.0.0.1:9/cgi-bin/webhook/send?key=alice-wecom-key");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/buses\/pai-system-ramteam$/);
  const row = page.locator('tr[data-rule="alice-failures"]');
  await expect(row).toContainText("Enabled");
  await expect(row.getByRole("button", { name: "Delete" })).toBeVisible();
  await shot(page, "62-ram-user-rule");

  // The API page shows a curl example on her bus.
  await page.goto("/api");
  await expect(page.getByTestId("curl-example")).toContainText("/api/v1/buses/pai-system-ramteam/rules");
  await expect(page.getByTestId("openapi-link")).toHaveAttribute("href", "/api/openapi.json");
  await logOut(page);

  // The owner's audit log has her login and her rule, filterable by action.
  await logIn(page, owner, PASSWORD);
  await expect(page).toHaveURL(/\/workspaces$/);
  await page.goto("/audit?action=CreateRule");
  const audit = page.getByRole("table", { name: "Audit log" });
  await expect(audit.locator('tr[data-action="eventbridge:CreateRule"]')).toContainText(alice);
  await expect(audit).not.toContainText("alice-wecom-key");
  await expect(audit.locator('tr[data-action="herald:Login"]')).toHaveCount(0);
  await page.goto("/audit?action=herald:Login");
  await expect(audit.locator('tr[data-action="herald:Login"]').filter({ hasText: alice })).not.toHaveCount(0);
  await shot(page, "63-audit");
  expect(errors).toEqual([]);
});

test("a read-only user sees the rules but is not offered to create, edit or delete them", async ({ page }) => {
  const errors = watchForErrors(page);
  const owner = freshEmail("ro-owner");
  await readyWorkspace(page, "roteam", owner);
  await policyFromTemplate(page, "EventBridgeReadOnly", "eb-read");
  const bob = await userWithPolicy(page, "bob", "eb-read");
  await logOut(page);

  await logIn(page, bob, USER_PASSWORD);
  await expect(page).toHaveURL(/\/password$/);
  await hydrated(page);
  await page.getByLabel("Current password").fill(USER_PASSWORD);
  await page.getByLabel("New password").fill(CHOSEN_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your password is changed.")).toBeVisible();

  await page.goto("/buses/pai-system-roteam");
  await hydrated(page);
  await expect(page.getByTestId("no-create")).toContainText("eventbridge:CreateRule");
  await expect(page.getByRole("link", { name: "Create event rule" })).toHaveCount(0);
  // Going to the form anyway: the server refuses the save and says why.
  await page.goto("/buses/pai-system-roteam/rules/new");
  await hydrated(page);
  await page.getByLabel("Rule name").fill("bob-rule");
  await page.getByRole("radio", { name: /DLC job/ }).check();
  await page.getByRole("checkbox", { name: /dlc:Job:Failed/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "eventbridge:CreateRule" })).toContainText(
    "acs:eventbridge:local:",
  );
  await shot(page, "64-read-only-refused");
  expect(errors).toEqual([]);
});
