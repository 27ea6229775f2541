// A rejected cell corrected in the results table, then imported: the row
// joins the accepted users without a trip through Excel, the duplicate and
// extension rules follow the correction, the imported list and the User
// management list show the users, and the database holds them.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  signIn,
  openLocation,
  openImportDialog,
  chooseFile,
  resultCounts,
  allUsers,
  waitForUserTotal,
  assertNoPageErrors,
  WAIT,
  sharedBrowser,
} from "./harness.mjs";

const TIMEOUT = 180_000;
const shared = sharedBrowser();

/// Corrects the cell of `row` named `column` in the error table.
async function fix(page, row, column, value) {
  const button = page.locator(`tr.error-line[data-row="${row}"] [data-testid=fix-cell]`, { hasText: column });
  await button.first().click();
  const input = page.locator("[data-testid=cell-fixer] input");
  await input.waitFor({ timeout: WAIT });
  await input.fill(value);
  await page.click("[data-testid=recheck]");
  await page.locator("[data-testid=cell-fixer]").waitFor({ state: "detached", timeout: WAIT });
}

test("a cell corrected in place is imported and stored", { timeout: TIMEOUT }, async () => {
  const server = await startServer();
  let page;
  try {
    page = await signIn(shared.browser, server, "alex@amsterdam.example");
    await openLocation(page, 1);
    await waitForUserTotal(page, 4);
    await openImportDialog(page);
    await chooseFile(
      page,
      "team.csv",
      [
        "First Name,Last Name,Email,Extension,Mobile Number",
        "Ann,Lee,ann.lee@example,2050,+1 415 555 0132", // row 2: email without a top-level domain
        "Bo,Ray,bo@example.com,2050,", // row 3: the same extension as row 2
        "Cy,Moss,cy@example.com,2041,", // row 4: Zoë O'Brien's extension
        "",
      ].join("\r\n"),
    );
    assert.deepEqual(await resultCounts(page), {
      rows: 3, accepted: 0, rejected: 3, superseded: 0, blank: 0, new: 0, updates: 0,
    });

    // Row 2's email: the row is still refused for its extension, shared with row 3.
    await fix(page, 2, "Email", "ann.lee@example.com");
    await page.waitForFunction(() => document.querySelectorAll("tr.error-line[data-row='2']").length === 1);
    assert.equal((await resultCounts(page)).rejected, 3);
    // Row 3's extension: both rows are accepted now (the clash is gone).
    await fix(page, 3, "Extension", "2051");
    await page.waitForFunction(() => document.querySelector("[data-count=accepted]")?.textContent === "2");
    // Row 4: an empty extension is "not given".
    await fix(page, 4, "Extension", "");
    await page.waitForFunction(() => document.querySelector("[data-count=accepted]")?.textContent === "3");
    assert.deepEqual(await resultCounts(page), {
      rows: 3, accepted: 3, rejected: 0, superseded: 0, blank: 0, new: 3, updates: 0,
    });
    assert.equal(await page.locator("[data-testid=error-table]").count(), 0, "no errors left");

    await page.click("[data-testid=import-accepted]");
    await page.locator("[data-testid=import-summary]").waitFor({ timeout: WAIT });
    assert.equal(
      (await page.locator("[data-testid=import-summary]").innerText()).trim(),
      "3 created, 0 updated",
    );
    const listed = await page.locator("[data-testid=imported-list] tbody tr").allInnerTexts();
    assert.equal(listed.length, 3);
    assert.ok(listed.some((row) => row.includes("ann.lee@example.com") && row.includes("2050")));
    await waitForUserTotal(page, 7);

    const stored = await allUsers(server, server.account("alex@amsterdam.example").apiToken, 1);
    const byEmail = Object.fromEntries(stored.map((u) => [u.email, u]));
    assert.equal(stored.length, 7);
    assert.equal(byEmail["ann.lee@example.com"].extension, "2050");
    assert.equal(byEmail["ann.lee@example.com"].mobile_number, "+14155550132");
    assert.equal(byEmail["bo@example.com"].extension, "2051");
    assert.equal(byEmail["cy@example.com"].extension, null);
    assert.equal(byEmail["zoe.obrien@example.com"].extension, "2041", "Zoë keeps hers");
    assertNoPageErrors(page);
  } finally {
    await page?.close();
    await server.stop();
  }
});
