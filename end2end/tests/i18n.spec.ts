// The UI in Japanese and Chinese: the switcher in the page frame turns the page into 日本語
// at once, the server remembers it (a reload stays Japanese, rendered so by the server, with
// no hydration error), the PAI flow's rule form speaks the PAI console's words, and a
// browser that asks for Chinese gets Chinese before anyone chooses. "Test connection" sends
// the robot a test message in the rule's message language.
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { expect, hydrated, readyWorkspace, shot, test, watchForErrors } from "./helpers";

/** A DingTalk robot without security settings: every message is welcome, and kept in
 *  `received` (the markdown text of each). */
function fakeRobot(received: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      try {
        received.push(JSON.parse(body).markdown?.text ?? body);
      } catch {
        received.push(body);
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ errcode: 0, errmsg: "ok" }));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

test("switching to 日本語 renders the PAI flow in Japanese, and a reload stays Japanese", async ({ page }) => {
  const errors = watchForErrors(page);
  const received: string[] = [];
  const robot = await fakeRobot(received);
  const port = (robot.address() as AddressInfo).port;
  try {
    await readyWorkspace(page, "nihongo");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");

    // The switcher changes the page at once, <html lang> included, and tells the server.
    const saved = page.waitForResponse((r) => r.url().includes("/api/ui/set_ui_locale"));
    await page.getByTestId("locale-switcher").selectOption("ja");
    expect((await saved).ok()).toBe(true);
    await expect(page.getByRole("heading", { name: "ワークスペース設定" })).toBeVisible();
    await expect(page.getByRole("tab", { name: "イベント通知設定" })).toBeVisible();
    await expect(page.getByRole("link", { name: "イベントバス" }).first()).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");

    // The server remembers it: the page is Japanese from its first byte.
    const html = await (await page.request.get(page.url())).text();
    // The <html> tag's own attribute: every page's switcher has an <option lang="ja">.
    expect(html).toMatch(/<html lang="ja"[ >]/);
    expect(html).toContain("イベント通知設定");
    await page.reload();
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "ja");
    await expect(page.getByRole("heading", { name: "ワークスペース設定" })).toBeVisible();
    await expect(page.getByTestId("locale-switcher")).toHaveValue("ja");

    // [イベントルールを作成] → the rule form in the console's words.
    await page.getByRole("link", { name: "イベントルールを作成" }).click();
    await expect(page.getByRole("heading", { name: "イベントルールの作成" })).toBeVisible();
    await hydrated(page);
    await page.getByLabel("ルール名").fill("job-failures-ja");
    // The rule's messages, and so its test message, in Japanese.
    await page.getByLabel("メッセージの言語").selectOption("ja");
    await page.getByRole("radio", { name: /DLC/ }).check();
    await page.getByRole("checkbox", { name: /dlc:Job:Failed/ }).check();
    await page.getByRole("button", { name: "次へ" }).click();
    await expect(page.getByTestId("step-2")).toBeVisible();
    await expect(page.getByTestId("quota-meter")).toContainText("0 / 5 ユニット");
    await page.getByRole("button", { name: "ターゲットを追加" }).click();
    const target = page.getByTestId("target");
    await target.getByLabel("ターゲットタイプ").selectOption("dingtalk");
    await expect(target.locator("legend")).toContainText("DingTalk 通知");
    await target.getByLabel("Webhook").fill(`http://127.0.0.1:${port}/robot/send?access_token=ja`);
    await target.getByRole("button", { name: "接続をテスト" }).click();
    await expect(target.getByTestId("verdict")).toContainText("成功: テストメッセージが配信されました。");
    // What the robot's group reads: marked as a test, in Japanese, from the first words.
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/^#### 【テスト】 \[Herald\] テストメッセージ/);
    await shot(page, "90-rule-form-ja");
    await page.getByRole("button", { name: "保存" }).click();

    // The rule list, still Japanese.
    await expect(page).toHaveURL(/\/buses\/pai-system-nihongo$/);
    await expect(page.getByRole("heading", { name: "イベントルール" })).toBeVisible();
    const row = page.locator('tr[data-rule="job-failures-ja"]');
    await expect(row).toContainText("有効");
    await expect(row.getByTestId("rule-quota")).toHaveText("1 / 5 ユニット");

    // Back to English for whoever shares this browser.
    await page.getByTestId("locale-switcher").selectOption("en");
    await expect(page.getByRole("heading", { name: "Event rules" })).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    robot.close();
  }
});

test("a browser asking for Chinese gets the login page in Chinese", async ({ browser }) => {
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  try {
    await page.goto("/login");
    await hydrated(page);
    await expect(page.locator("html")).toHaveAttribute("lang", "zh");
    await expect(page.getByRole("heading", { name: "登录 Herald" })).toBeVisible();
    await expect(page.getByRole("link", { name: "注册" })).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test("the catalog's descriptions, the audit log, RAM and an error in Japanese, then the catalog in Chinese", async ({
  page,
}) => {
  const errors = watchForErrors(page);
  await readyWorkspace(page, "shosai");
  await page.getByTestId("locale-switcher").selectOption("ja");
  await expect(page.getByRole("heading", { name: "ワークスペース設定" })).toBeVisible();

  // The catalog's descriptions come from the server in the page's language.
  await page.goto("/catalog");
  await hydrated(page);
  const dlc = page.locator("section#pai\\.dlc");
  await expect(dlc).toContainText("Deep Learning Containers のトレーニングジョブ");
  // Switching fetches them in the new language, without a reload.
  await page.getByTestId("locale-switcher").selectOption("zh");
  await expect(dlc).toContainText("Deep Learning Containers 训练任务");
  await page.getByTestId("locale-switcher").selectOption("ja");
  await expect(dlc).toContainText("Deep Learning Containers のトレーニングジョブ");

  await page.goto("/audit");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "監査ログ" })).toBeVisible();
  await expect(page.getByRole("columnheader", { name: "実行者" })).toBeVisible();

  await page.goto("/ram/users");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "ユーザー", exact: true })).toBeVisible();

  // An error from the server, told in Japanese.
  await page.goto("/buses/pai-system-nowhere");
  await hydrated(page);
  await expect(page.getByRole("alert").first()).toContainText("イベントバス \"pai-system-nowhere\" が見つかりません");

  await page.getByTestId("locale-switcher").selectOption("en");
  await expect(page.getByRole("alert").first()).toContainText("not found");
  expect(errors).toEqual([]);
});
