// The event catalog page: every source with its allowed targets, types and samples.
import { expect, freshEmail, shot, signUp, test, watchForErrors } from "./helpers";

test("the event catalog lists sources, allowed targets, types and sample data", async ({ page }) => {
  const errors = watchForErrors(page);
  await signUp(page, freshEmail("catalog"));
  await page.getByRole("link", { name: "Event catalog" }).click();
  await expect(page.getByRole("heading", { name: "Event catalog" })).toBeVisible();

  // DLC jobs may not use HTTP targets; Model events may.
  const dlcTargets = page.getByRole("list", { name: "Targets for DLC job" });
  await expect(dlcTargets.getByText("HTTP/HTTPS (not available)")).toHaveCount(1);
  const modelTargets = page.getByRole("list", { name: "Targets for Model" });
  await expect(modelTargets.getByText("HTTP/HTTPS (allowed)")).toHaveCount(1);
  await expect(modelTargets.getByText("SMS (not available)")).toHaveCount(1);

  // Open a DataRobot type and read its required fields and sample.
  await page.getByText("project.deleted", { exact: true }).click();
  await expect(page.getByLabel("Sample data of project.deleted")).toContainText("deletion_time");
  await shot(page, "09-catalog");
  expect(errors).toEqual([]);
});
