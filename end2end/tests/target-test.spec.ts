// "Test connection" against a fake DingTalk robot started by this test on loopback (the
// server runs with --allow-target-network 127.0.0.0/8). The fake checks the signature the
// way DingTalk does and answers errcode 0 or 310000.
import { createHmac } from "node:crypto";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { expect, freshEmail, hydrated, shot, signUp, test, watchForErrors } from "./helpers";

const SECRET = "SECe2e-fake-robot-key-0123456789";
const TOKEN = "e2e-token";

function fakeDingTalk(): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const ts = url.searchParams.get("timestamp") ?? "";
      const sign = url.searchParams.get("sign") ?? "";
      const expected = createHmac("sha256", SECRET).update(`${ts}\n${SECRET}`).digest("base64");
      const token = url.searchParams.get("access_token");
      const msg = JSON.parse(body || "{}");
      let answer = { errcode: 0, errmsg: "ok" };
      if (token !== TOKEN) answer = { errcode: 300001, errmsg: "token is not exist" };
      else if (sign !== expected) answer = { errcode: 310000, errmsg: "sign not match" };
      else if (msg.msgtype !== "markdown") answer = { errcode: 40035, errmsg: "invalid parameter" };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("test connection reports success with the right key and the signature diagnosis with a wrong one", async ({ page }) => {
  const errors = watchForErrors(page);
  const robot = await fakeDingTalk();
  const port = (robot.address() as AddressInfo).port;
  try {
    await signUp(page, freshEmail("tester"));
    await page.getByLabel("Workspace name").fill("robots");
    await page.getByRole("button", { name: "Create workspace" }).click();
    await expect(page.getByRole("link", { name: "robots" })).toBeVisible();
    await page.goto("/workspaces/robots/settings/notifications");
    await hydrated(page);
    await page.getByRole("button", { name: "Activate for free" }).click();
    await expect(page.getByTestId("workspace-bus")).toHaveText("pai-system-robots");

    const tester = page.getByRole("form", { name: "Test connection" });
    await tester.getByLabel("Target").selectOption("dingtalk");
    await tester.getByLabel("Webhook URL").fill(`http://127.0.0.1:${port}/robot/send?access_token=${TOKEN}`);
    await tester.getByLabel("Signing key (SEC…, optional)").fill(SECRET);
    await tester.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("verdict")).toContainText("Success: the test message was delivered.");
    await shot(page, "12-test-connection-ok");

    await tester.getByLabel("Signing key (SEC…, optional)").fill("SECnot-the-robots-key-000000");
    await tester.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("verdict")).toContainText("Signature mismatch or keyword missing");
    await expect(page.getByTestId("verdict")).toContainText("Check the signing key");
    await shot(page, "13-test-connection-signature");

    await tester.getByLabel("Webhook URL").fill("http://127.0.0.1:1/robot/send");
    await tester.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByTestId("verdict-error")).toContainText("access_token");
  } finally {
    robot.close();
  }
  expect(errors).toEqual([]);
});
