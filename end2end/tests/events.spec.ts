// The delivery log in the browser: "Send test event" shows whom it will reach and sends only
// on Confirm; sent on a bus whose rule has an HTTP target
// (a loopback receiver that checks the Standard Webhooks signature) and a DingTalk target
// with the wrong key; the event page shows one delivery delivered and one failed with the
// provider's reason, and the access keys page shows a new token once.
import { createHmac } from "node:crypto";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { expect, hydrated, readyWorkspace, shot, test, watchForErrors } from "./helpers";

type Received = { headers: Record<string, string | string[] | undefined>; body: string };

/** An HTTP receiver that records requests and answers 204. */
function receiver(seen: Received[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ headers: req.headers, body });
      res.writeHead(204);
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** A DingTalk robot whose key is not the one Herald has: answers 310000. */
function strictRobot(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ errcode: 310000, errmsg: "sign not match" }));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("a test event is delivered to an HTTP receiver and its failed DingTalk delivery explains why", async ({ page }) => {
  const errors = watchForErrors(page);
  const seen: Received[] = [];
  const sink = await receiver(seen);
  const robot = await strictRobot();
  const sinkPort = (sink.address() as AddressInfo).port;
  const robotPort = (robot.address() as AddressInfo).port;
  try {
    await readyWorkspace(page, "log");
    await page.goto("/buses/pai-system-log/rules/new");
    await hydrated(page);
    await page.getByLabel("Rule name").fill("projects");
    await page.getByRole("radio", { name: /^Project/ }).check();
    await page.getByRole("checkbox", { name: /project\.created/ }).check();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Add target" }).click();
    const http = page.getByTestId("target").nth(0);
    await http.getByLabel("Target type").selectOption("http");
    await http.getByLabel("Webhook URL").fill(`http://127.0.0.1:${sinkPort}/hook`);
    await page.getByRole("button", { name: "Add target" }).click();
    const ding = page.getByTestId("target").nth(1);
    await ding.getByLabel("Target type").selectOption("dingtalk");
    await ding.getByLabel("Webhook URL").fill(`http://127.0.0.1:${robotPort}/robot/send?access_token=t`);
    await ding.getByLabel("Signing key (SEC…, optional)").fill("SECnot-the-robots-key-000000");
    await page.getByRole("button", { name: "Save" }).click();
    // Herald generated the HTTP target's signing secret and shows it once.
    const secretShown = page.getByTestId("saved-secrets").locator("code.secret");
    await expect(secretShown).toHaveText(/^whsec_/);
    const secret = (await secretShown.textContent()) ?? "";
    await page.getByRole("link", { name: "Done" }).click();

    // Send a test event from the log page.
    await page.getByRole("link", { name: "Events and deliveries" }).click();
    await expect(page.getByRole("heading", { name: "Events and deliveries" })).toBeVisible();
    await hydrated(page);
    await page.getByText("Send test event", { exact: true }).first().click();
    const form = page.getByRole("form", { name: "Send test event" });
    await form.getByLabel("Event source").selectOption("datarobot.project");
    await form.getByLabel("Event type").selectOption("project.created");
    await expect(form.getByLabel("data (edit as you like)")).toHaveValue(/"project"/);
    await form.getByRole("button", { name: "Send test event" }).click();
    await page.getByTestId("test-preview").getByRole("button", { name: "Confirm and send" }).click();
    await expect(page.getByTestId("test-event-sent")).toBeVisible();
    await page.getByTestId("test-event-sent").getByRole("link", { name: "Watch its deliveries" }).click();

    // The event page settles: HTTP delivered, DingTalk failed with the signature reason.
    const delivered = page.locator('[data-testid="delivery"][data-status="delivered"]');
    const failed = page.locator('[data-testid="delivery"][data-status="failed"]');
    await expect(delivered).toHaveCount(1, { timeout: 15_000 });
    await expect(failed).toHaveCount(1, { timeout: 15_000 });
    await expect(delivered).toContainText("http target of rule projects");
    await expect(failed).toContainText("signature_mismatch");
    await expect(failed.getByRole("button", { name: "Redeliver" })).toBeVisible();
    await failed.locator("details.attempt summary").first().click();
    await expect(failed.locator("pre").first()).toContainText("access_token=");
    await expect(failed.locator("pre").first()).not.toContainText("access_token=t&");
    await shot(page, "30-event-deliveries");

    // What the receiver got: the standard template, signed with the shown secret.
    expect(seen.length).toBe(1);
    const got = seen[0];
    const body = JSON.parse(got.body);
    expect(body.event_type).toBe("project.created");
    expect(typeof body.timestamp).toBe("number");
    const id = String(got.headers["webhook-id"]);
    const ts = String(got.headers["webhook-timestamp"]);
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    const expected = "v1," + createHmac("sha256", key).update(`${id}.${ts}.${got.body}`).digest("base64");
    expect(String(got.headers["webhook-signature"]).split(" ")).toContain(expected);

    // The rule list counts the deliveries.
    await page.goto("/buses/pai-system-log");
    await expect(page.locator('tr[data-rule="projects"]').getByTestId("rule-counts")).toHaveText(
      "1 delivered · 1 failed · 0 pending",
    );

    // An access key's token is shown once.
    await page.goto("/access-keys");
    await hydrated(page);
    await page.getByLabel("Name").fill("platform");
    await page.getByRole("button", { name: "Create access key" }).click();
    await expect(page.getByTestId("new-token")).toContainText(/hk_[0-9a-f]{12}_/);
    await expect(page.getByRole("table", { name: "Access keys" })).toContainText("platform");
    await page.reload();
    await expect(page.getByTestId("new-token")).toHaveCount(0);
  } finally {
    sink.close();
    robot.close();
  }
  expect(errors).toEqual([]);
});

// 60 events put through the API: the list shows the newest 50, "Older events" the other 10,
// and "Newest events" goes back.
test("the event list pages back through older events", async ({ page }) => {
  const errors = watchForErrors(page);
  await readyWorkspace(page, "pages");

  await page.goto("/access-keys");
  await hydrated(page);
  await page.getByLabel("Name").fill("pager");
  await page.getByRole("button", { name: "Create access key" }).click();
  const token = (await page.getByTestId("new-token").locator("code").textContent())?.trim() ?? "";
  expect(token).toMatch(/^hk_/);

  // The catalog's sample, as "Send test event" offers it.
  await page.goto("/buses/pai-system-pages/events");
  await hydrated(page);
  await page.locator("details.send-test summary").click();
  const source = await page.locator("#test-source").inputValue();
  const type = await page.locator("#test-type").inputValue();
  const data = JSON.parse(await page.locator("#test-data").inputValue());
  const events = Array.from({ length: 60 }, (_, i) => ({
    specversion: "1.0",
    id: `paged-${i}`,
    source,
    type,
    data,
  }));
  const put = await page.request.post("/api/v1/buses/pai-system-pages/events", {
    headers: { authorization: `Bearer ${token}`, "content-type": "application/cloudevents-batch+json" },
    data: JSON.stringify(events),
  });
  expect(put.status()).toBe(200);
  expect((await put.json()).FailedEntryCount).toBe(0);

  await page.reload();
  await hydrated(page);
  const rows = page.getByRole("table", { name: "Events" }).locator("tbody tr");
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText("paged-59");
  await page.getByRole("button", { name: "Older events" }).click();
  await expect(rows).toHaveCount(10);
  await expect(rows.first()).toContainText("paged-9");
  await expect(rows.last()).toContainText("paged-0");
  await expect(page.getByRole("button", { name: "Older events" })).toHaveCount(0);
  await page.getByRole("button", { name: "Newest events" }).click();
  await expect(rows).toHaveCount(50);
  await expect(rows.first()).toContainText("paged-59");
  expect(errors).toEqual([]);
});

// "Send test event" asks first: the preview names the rule's HTTP target (its token-like
// path masked) and "SMS to 2 people"; Cancel sends nothing, Confirm sends the event.
test("send test event previews its targets and people, and sends only on confirm", async ({ page }) => {
  const errors = watchForErrors(page);
  await readyWorkspace(page, "confirm");
  await page.goto("/contacts");
  await hydrated(page);
  for (const [name, phone] of [
    ["Alice", "+8613800000001"],
    ["Tony", "+8613800000002"],
  ]) {
    const form = page.getByRole("form", { name: "Add contact" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Phone").fill(phone);
    await form.getByRole("button", { name: "Add contact" }).click();
    await expect(page.getByRole("table", { name: "Contacts" })).toContainText(name);
  }
  const token = "0123456789abcdefghij";
  await page.goto("/buses/pai-system-confirm/rules/new");
  await hydrated(page);
  await page.getByLabel("Rule name").fill("projects");
  await page.getByRole("radio", { name: /^Project/ }).check();
  await page.getByRole("checkbox", { name: /project\.created/ }).check();
  await page.getByRole("button", { name: "Next" }).click();
  await page.getByRole("button", { name: "Add target" }).click();
  const http = page.getByTestId("target").nth(0);
  await http.getByLabel("Target type").selectOption("http");
  await http.getByLabel("Webhook URL").fill(`http://127.0.0.1:9/hook/${token}`);
  await page.getByRole("button", { name: "Add target" }).click();
  const sms = page.getByTestId("target").nth(1);
  await sms.getByLabel("Target type").selectOption("sms");
  await sms.getByRole("checkbox", { name: /Alice/ }).check();
  await sms.getByRole("checkbox", { name: /Tony/ }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("saved-secrets")).toBeVisible();

  await page.goto("/buses/pai-system-confirm/events");
  await hydrated(page);
  await expect(page.getByText("No events yet.")).toBeVisible();
  await page.locator("details.send-test summary").click();
  const form = page.getByRole("form", { name: "Send test event" });
  await form.getByLabel("Event source").selectOption("datarobot.project");
  await form.getByLabel("Event type").selectOption("project.created");
  await form.getByRole("button", { name: "Send test event" }).click();

  const preview = page.getByTestId("test-preview");
  await expect(preview).toContainText("This test event will reach 2 target(s)");
  await expect(preview).toContainText("Rule projects");
  await expect(preview).toContainText("HTTP/HTTPS http://127.0.0.1:9/hook/");
  await expect(preview).toContainText("SMS to 2 people");
  await expect(preview).not.toContainText(token);
  await shot(page, "31-test-event-preview");

  // Cancel: nothing is sent, the list stays empty.
  await preview.getByRole("button", { name: "Cancel" }).click();
  await expect(preview).toHaveCount(0);
  await expect(page.getByTestId("test-event-sent")).toHaveCount(0);
  await page.reload();
  await hydrated(page);
  await expect(page.getByText("No events yet.")).toBeVisible();

  // Confirm: the event is sent and listed.
  await page.locator("details.send-test summary").click();
  await form.getByLabel("Event source").selectOption("datarobot.project");
  await form.getByLabel("Event type").selectOption("project.created");
  await form.getByRole("button", { name: "Send test event" }).click();
  await preview.getByRole("button", { name: "Confirm and send" }).click();
  await expect(page.getByTestId("test-event-sent")).toBeVisible();
  const rows = page.getByRole("table", { name: "Events" }).locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("project.created");
  expect(errors).toEqual([]);
});
