// Connecting a bus to Alibaba Cloud EventBridge through the bus page's panel: "Create token"
// shows the token once, an event posted exactly as EventBridge's HTTP target posts it
// (application/json, the complete CloudEvent with aliyun* extensions, the token in
// x-eventbridge-signature-token, no Authorization) arrives in the bus's event list, and
// after "Rotate token" the old token is refused.
import { expect, hydrated, readyWorkspace, shot, test, watchForErrors } from "./helpers";

/** POST an event as EventBridge's HTTP target does. */
async function postAsEventBridge(url: string, token: string, id: string, bus: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json;charset=utf-8",
      "x-eventbridge-signature-token": token,
    },
    body: JSON.stringify({
      specversion: "1.0",
      id,
      source: "pai.dlc",
      type: "dlc:Job:Failed",
      subject: "acs:pai:cn-hangzhou:1234567890:job/dlc42",
      time: "2026-11-29T05:12:03.179Z",
      datacontenttype: "application/json;charset=utf-8",
      aliyunaccountid: "1234567890",
      aliyunpublishtime: "2026-11-29T05:12:03.179PRC",
      aliyuneventbusname: bus,
      aliyunregionid: "cn-hangzhou",
      aliyunoriginalaccountid: "1234567890",
      data: {
        event: { entity_id: "dlc42", uid: "1" },
        job: { id: "dlc42", name: "nightly-train", status: "Failed" },
      },
    }),
  });
}

test("a bus is connected to EventBridge through its panel and a posted event arrives", async ({ page }) => {
  const errors = watchForErrors(page);
  await readyWorkspace(page, "ebridge");
  const bus = "pai-system-ebridge";
  await page.goto(`/buses/${bus}`);
  await hydrated(page);

  const panel = page.getByTestId("eventbridge-panel");
  await expect(panel.getByRole("heading", { name: "Connect Alibaba Cloud EventBridge" })).toBeVisible();
  await expect(panel.getByTestId("eventbridge-url")).toHaveText(new RegExp(`/api/v1/buses/${bus}/events$`));
  await expect(panel.getByTestId("eventbridge-header")).toHaveText("x-eventbridge-signature-token");
  await expect(panel.getByTestId("eventbridge-token-state")).toHaveText("none yet");

  await panel.getByRole("button", { name: "Create token" }).click();
  const shown = panel.getByTestId("bus-token");
  await expect(shown).toHaveText(/^hb_[0-9a-f]{12}_/);
  await expect(panel.getByTestId("new-bus-token")).toContainText("not shown again");
  await expect(panel.getByTestId("eventbridge-token-state")).toContainText("created at");
  const token = ((await shown.textContent()) ?? "").trim();
  await shot(page, "40-eventbridge-panel");

  // Post from the test as EventBridge would, to this server's PutEvents.
  const url = `${new URL(page.url()).origin}/api/v1/buses/${bus}/events`;
  const res = await postAsEventBridge(url, token, "eb-arrives-1", bus);
  expect(res.status).toBe(200);
  const put = await res.json();
  expect(put.FailedEntryCount).toBe(0);

  // It is in the bus's event list.
  await page.goto(`/buses/${bus}/events`);
  await hydrated(page);
  const events = page.getByRole("table", { name: "Events" });
  await expect(events).toContainText("eb-arrives-1");
  await expect(events).toContainText("dlc:Job:Failed");

  // The token is not shown again; rotating makes the old one fail.
  await page.goto(`/buses/${bus}`);
  await hydrated(page);
  await expect(page.getByTestId("bus-token")).toHaveCount(0);
  await page.getByTestId("eventbridge-panel").getByRole("button", { name: "Rotate token" }).click();
  await expect(page.getByTestId("bus-token")).toHaveText(/^hb_/);
  const rotated = ((await page.getByTestId("bus-token").textContent()) ?? "").trim();
  expect(rotated).not.toBe(token);
  expect((await postAsEventBridge(url, token, "eb-arrives-2", bus)).status).toBe(401);
  expect((await postAsEventBridge(url, rotated, "eb-arrives-2", bus)).status).toBe(200);
  expect(errors).toEqual([]);
});
