// "Create event rule" in the browser: the two-step form, Test connection against a fake
// DingTalk robot on loopback, compatibility, the quota meter and the sixth unit, a quota
// increase approved by the owner, and the rule list's enable/disable/delete.
import { createHmac } from "node:crypto";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import type { Page } from "@playwright/test";
import { expect, hydrated, readyWorkspace, shot, test, watchForErrors } from "./helpers";

const SECRET = "SECe2e-rule-robot-key-0123456789";
const TOKEN = "e2e-rule-token";

/** A DingTalk robot that checks token and signature as DingTalk does. */
function fakeDingTalk(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const ts = url.searchParams.get("timestamp") ?? "";
      const expected = createHmac("sha256", SECRET).update(`${ts}\n${SECRET}`).digest("base64");
      let answer = { errcode: 0, errmsg: "ok" };
      if (url.searchParams.get("access_token") !== TOKEN) answer = { errcode: 300001, errmsg: "token is not exist" };
      else if (url.searchParams.get("sign") !== expected) answer = { errcode: 310000, errmsg: "sign not match" };
      else if (JSON.parse(body || "{}").msgtype !== "markdown") answer = { errcode: 40035, errmsg: "invalid parameter" };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Step 1: name, source, types; then Next. */
async function stepOne(page: Page, rule: string, source: RegExp, types: RegExp[]) {
  await page.getByLabel("Rule name").fill(rule);
  await page.getByRole("radio", { name: source }).check();
  for (const t of types) await page.getByRole("checkbox", { name: t }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("step-2")).toBeVisible();
}

test("a DingTalk rule is created, tested (right and wrong key), edited without re-entering its key, disabled and deleted", async ({ page }) => {
  const errors = watchForErrors(page);
  const robot = await fakeDingTalk();
  const port = (robot.address() as AddressInfo).port;
  try {
    await readyWorkspace(page, "ding");
    await page.getByRole("link", { name: "Create event rule" }).click();
    await expect(page.getByRole("heading", { name: "Create event rule" })).toBeVisible();
    await hydrated(page);

    // Step 1 refuses to go on without a type, naming the field.
    await page.getByLabel("Rule name").fill("job-failures");
    await page.getByRole("radio", { name: /DLC job/ }).check();
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.locator('[data-field="types"]')).toContainText("pick at least one event type");

    // The live pattern preview.
    await page.getByRole("checkbox", { name: /dlc:Job:Failed/ }).check();
    await page.getByRole("checkbox", { name: /dlc:Job:Running/ }).check();
    await page.getByLabel("Filter pattern on data (optional)").fill('{"job": {"status": ["Failed"]}}');
    const preview = page.getByTestId("pattern-preview");
    await expect(preview.locator("li", { hasText: "dlc:Job:Failed" })).toContainText("matches the sample");
    await expect(preview.locator("li", { hasText: "dlc:Job:Running" })).toContainText("does not match the sample");
    await page.getByLabel("Filter pattern on data (optional)").fill('{"job": {"status": [{"wildcard": "F*"}]}}');
    await expect(page.getByTestId("pattern-invalid")).toContainText("data.job.status");
    await page.getByLabel("Filter pattern on data (optional)").fill('{"job": {"name": [{"prefix": "nightly-"}]}}');
    await expect(preview.locator("li", { hasText: "dlc:Job:Failed" })).toContainText("matches the sample");
    await shot(page, "20-rule-step-1");
    await page.getByRole("button", { name: "Next" }).click();

    // Step 2: a DingTalk target, tested with the right key, then a wrong one.
    await expect(page.getByTestId("quota-meter")).toContainText("0 / 5 units");
    await page.getByRole("button", { name: "Add target" }).click();
    const target = page.getByTestId("target");
    await target.getByLabel("Target type").selectOption("dingtalk");
    await target.getByLabel("Webhook URL").fill(`http://127.0.0.1:${port}/robot/send?access_token=${TOKEN}`);
    await target.getByLabel("Signing key (SEC…, optional)").fill("SECnot-the-robots-key-000000");
    await target.getByRole("button", { name: "Test connection" }).click();
    await expect(target.getByTestId("verdict")).toContainText("Signature mismatch or keyword missing");
    await expect(target.getByTestId("verdict")).toContainText("Check the signing key");
    await target.getByLabel("Signing key (SEC…, optional)").fill(SECRET);
    await target.getByRole("button", { name: "Test connection" }).click();
    await expect(target.getByTestId("verdict")).toContainText("Success: the test message was delivered.");
    await expect(page.getByTestId("quota-meter")).toContainText("1 / 5 units");
    await shot(page, "21-rule-step-2-dingtalk");
    await page.getByRole("button", { name: "Save" }).click();

    // The rule list shows it, the key masked.
    await expect(page).toHaveURL(/\/buses\/pai-system-ding$/);
    const row = page.locator('tr[data-rule="job-failures"]');
    await expect(row).toContainText("Enabled");
    await expect(row).toContainText("dlc:Job:Failed");
    await expect(row.getByTestId("rule-quota")).toHaveText("1 / 5 units");
    await expect(row).not.toContainText(TOKEN);
    await expect(page.locator("body")).not.toContainText(SECRET);
    await shot(page, "22-rule-list");

    // Editing: the saved URL and key are kept when left empty; Test connection still passes.
    await row.getByRole("link", { name: "Edit" }).click();
    await expect(page.getByRole("heading", { name: "Edit event rule" })).toBeVisible();
    await hydrated(page);
    await expect(page.getByLabel("Rule name")).toHaveValue("job-failures");
    await page.getByRole("button", { name: "Next" }).click();
    const saved = page.getByTestId("target");
    await expect(saved.getByLabel("Webhook URL")).toHaveValue("");
    await expect(saved).toContainText("Leave empty to keep it");
    await expect(page.locator("body")).not.toContainText(SECRET);
    await saved.getByRole("button", { name: "Test connection" }).click();
    await expect(saved.getByTestId("verdict")).toContainText("Success: the test message was delivered.");
    await page.getByRole("button", { name: "Back" }).click();
    await page.getByLabel("Description (optional)").fill("Failed nightly jobs");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page).toHaveURL(/\/buses\/pai-system-ding$/);
    await expect(row).toContainText("Failed nightly jobs");
    await expect(row.getByTestId("rule-quota")).toHaveText("1 / 5 units");

    // Disable, then delete after confirming.
    await hydrated(page);
    await row.getByRole("button", { name: "Disable" }).click();
    await expect(row).toContainText("Disabled");
    await row.getByRole("button", { name: "Delete" }).click();
    await expect(row.getByRole("alert")).toContainText("Delete rule job-failures");
    await row.getByRole("button", { name: "Yes, delete" }).click();
    await expect(page.getByText("No event rules on this bus yet.")).toBeVisible();
  } finally {
    robot.close();
  }
  expect(errors).toEqual([]);
});

test("an HTTP target is refused on a DLC rule, in the form and by the server", async ({ page }) => {
  const errors = watchForErrors(page);
  await readyWorkspace(page, "compat");
  await page.goto("/buses/pai-system-compat/rules/new");
  await hydrated(page);

  // DLC: the HTTP option is offered but disabled, with the reason.
  await stepOne(page, "dlc-http", /DLC job/, [/dlc:Job:Failed/]);
  await page.getByRole("button", { name: "Add target" }).click();
  const kind = page.getByTestId("target").getByLabel("Target type");
  await expect(kind.locator('option[value="http"]')).toBeDisabled();
  await expect(kind.locator('option[value="http"]')).toContainText("not available for this source");

  // Model allows HTTP; switching the source back to DLC flags the target and the server
  // refuses the save.
  await page.getByRole("button", { name: "Back" }).click();
  await page.getByRole("radio", { name: /^Model/ }).check();
  await page.getByRole("checkbox", { name: /model:ModelVersion:Approved/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await kind.selectOption("http");
  await page.getByTestId("target").getByLabel("Webhook URL").fill("http://127.0.0.1:9/hook");
  // The receivers' documentation is one click away, and is a real page.
  const doc = page.getByTestId("receivers-doc");
  await expect(doc).toHaveAttribute("href", "/docs/receivers");
  const docPage = await page.request.get("/docs/receivers");
  expect(docPage.ok()).toBe(true);
  expect(await docPage.text()).toContain("<h1>Writing an HTTP receiver</h1>");
  await page.getByRole("button", { name: "Back" }).click();
  await page.getByRole("radio", { name: /DLC job/ }).check();
  await page.getByRole("checkbox", { name: /dlc:Job:Failed/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("incompatible")).toContainText(
    "HTTP/HTTPS targets are only available for Model and DataRobot events",
  );
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("incompatible")).toBeVisible();
  await expect(page).toHaveURL(/\/rules\/new$/);
  await shot(page, "23-rule-http-on-dlc");
  await page.goto("/buses/pai-system-compat");
  await expect(page.getByText("No event rules on this bus yet.")).toBeVisible();
  expect(errors).toEqual([]);
});

test("a sixth unit is refused with the quota message until the owner approves an increase", async ({ page }) => {
  const errors = watchForErrors(page);
  await readyWorkspace(page, "quota");
  await page.goto("/contacts");
  await hydrated(page);
  for (const [name, phone, email] of [
    ["Alice", "+8613800000001", "alice@example.com"],
    ["Tony", "+8613800000002", "tony@example.com"],
    ["Alan", "+8613800000003", "alan@example.com"],
  ]) {
    const form = page.getByRole("form", { name: "Add contact" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Phone").fill(phone);
    await form.getByLabel("Email").fill(email);
    await form.getByRole("button", { name: "Add contact" }).click();
    await expect(page.getByRole("table", { name: "Contacts" })).toContainText(name);
  }

  await page.goto("/buses/pai-system-quota/rules/new");
  await hydrated(page);
  await stepOne(page, "on-call", /DSW instance/, [/dsw:Instance:Failed/]);
  // The seed's example: SMS to Alice and Tony, email to Alice and Alan = 4 units.
  await page.getByRole("button", { name: "Add target" }).click();
  const sms = page.getByTestId("target").nth(0);
  await sms.getByLabel("Target type").selectOption("sms");
  await sms.getByRole("checkbox", { name: /Alice/ }).check();
  await sms.getByRole("checkbox", { name: /Tony/ }).check();
  await page.getByRole("button", { name: "Add target" }).click();
  const email = page.getByTestId("target").nth(1);
  await email.getByLabel("Target type").selectOption("email");
  await email.getByRole("checkbox", { name: /Alice/ }).check();
  await email.getByRole("checkbox", { name: /Alan/ }).check();
  await expect(page.getByTestId("quota-meter")).toContainText("4 / 5 units");
  // A fifth unit fits, a sixth does not.
  await page.getByRole("button", { name: "Add target" }).click();
  const voice = page.getByTestId("target").nth(2);
  await voice.getByLabel("Target type").selectOption("voice");
  await voice.getByRole("checkbox", { name: /Alan/ }).check();
  await expect(page.getByTestId("quota-meter")).toContainText("5 / 5 units");
  await voice.getByRole("checkbox", { name: /Tony/ }).check();
  await expect(page.getByTestId("quota-meter")).toContainText("6 / 5 units");
  await expect(page.getByTestId("quota-over")).toContainText("need 6 quota units but this rule has 5");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.locator('[data-field="targets"]')).toContainText("need 6 quota units but this rule has 5");
  await expect(page).toHaveURL(/\/rules\/new$/);
  await shot(page, "24-rule-sixth-unit");

  // Save within the quota, then ask for more.
  await voice.getByRole("checkbox", { name: /Tony/ }).uncheck();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/buses\/pai-system-quota$/);
  const row = page.locator('tr[data-rule="on-call"]');
  await expect(row.getByTestId("rule-quota")).toContainText("5 / 5 units");
  await row.getByRole("link", { name: "Edit" }).click();
  await hydrated(page);
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Request quota increase" }).click();
  await page.getByLabel("Units wanted (up to 100)").fill("101");
  await page.getByLabel("Reason").fill("The on-call rotation has six people.");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.locator('[data-field="requested"]')).toContainText("at most 100");
  await page.getByLabel("Units wanted (up to 100)").fill("8");
  await page.getByRole("button", { name: "Send request" }).click();
  await expect(page.getByTestId("quota-requested")).toContainText("Request sent: 8 units");

  // The owner approves it on the Quota requests page.
  await page.goto("/quota-requests");
  await hydrated(page);
  const request = page.getByRole("table", { name: "Quota requests" }).locator("tr", { hasText: "on-call" });
  await expect(request).toContainText("5 → 8 units");
  await expect(request).toContainText("The on-call rotation has six people.");
  await shot(page, "25-quota-requests");
  await request.getByRole("button", { name: "Approve" }).click();
  await expect(request.getByTestId("request-status")).toContainText("approved");

  // Now the sixth unit fits.
  await page.goto("/buses/pai-system-quota/rules/on-call/edit");
  await hydrated(page);
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("quota-meter")).toContainText("5 / 8 units");
  await page.getByTestId("target").nth(2).getByRole("checkbox", { name: /Tony/ }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/buses\/pai-system-quota$/);
  await expect(page.locator('tr[data-rule="on-call"]').getByTestId("rule-quota")).toContainText("6 / 8 units");

  // Deleting a contact a target uses names the rule first, then takes it out.
  await page.goto("/contacts");
  await hydrated(page);
  const alan = page.getByRole("table", { name: "Contacts" }).locator("tr", { hasText: "Alan" });
  await alan.getByRole("button", { name: "Delete" }).click();
  await expect(alan.getByTestId("contact-delete-warning")).toContainText("Alan is used by rule on-call");
  await alan.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.getByRole("table", { name: "Contacts" })).not.toContainText("Alan");
  await page.goto("/buses/pai-system-quota");
  await expect(page.locator('tr[data-rule="on-call"]').getByTestId("rule-quota")).toContainText("4 / 8 units");
  expect(errors).toEqual([]);
});
