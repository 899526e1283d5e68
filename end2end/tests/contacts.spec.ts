// "Message receiving settings": add a contact, see a field error, edit it, delete it after
// confirming.
import { expect, freshEmail, hydrated, shot, signUp, test, watchForErrors } from "./helpers";

test("contacts are added, corrected, edited and deleted after a confirmation", async ({ page }) => {
  const errors = watchForErrors(page);
  await signUp(page, freshEmail("contacts"));
  await page.getByRole("link", { name: "Contacts" }).click();
  await expect(page.getByRole("heading", { name: "Message receiving settings" })).toBeVisible();
  await hydrated(page);

  const form = page.getByRole("form", { name: "Add contact" });
  await form.getByLabel("Name").fill("Alice");
  await form.getByLabel("Phone").fill("13800000000");
  await form.getByRole("button", { name: "Add contact" }).click();
  await expect(page.locator("[data-field=phone]")).toContainText("international format");

  await form.getByLabel("Phone").fill("+86 138 0000 0000");
  await form.getByLabel("Email").fill("alice@example.com");
  await form.getByRole("button", { name: "Add contact" }).click();
  const row = page.getByRole("row").filter({ hasText: "Alice" });
  await expect(row).toContainText("+8613800000000");
  await expect(form.getByLabel("Name")).toHaveValue("");
  await shot(page, "10-contact-added");

  await row.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("form", { name: "Edit Alice" });
  await edit.getByLabel("Name").fill("Alice Liddell");
  await edit.getByRole("button", { name: "Save" }).click();
  const edited = page.getByRole("row").filter({ hasText: "Alice Liddell" });
  await expect(edited).toContainText("alice@example.com");

  await edited.getByRole("button", { name: "Delete" }).click();
  await expect(edited.getByRole("alert")).toContainText("Delete Alice Liddell?");
  await edited.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.getByText("No contacts yet.")).toBeVisible();
  await shot(page, "11-contact-deleted");
  expect(errors).toEqual([]);
});
