// The check runs in a Web Worker that is not part of the first load: the
// page loads without the worker's files, the Import users dialog starts one
// worker, every check (and re-check) uses it, a large file's check can be
// stopped from the page, and a file over 256 MiB is refused before it is read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, truncateSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  signIn,
  openLocation,
  openImportDialog,
  chooseFile,
  resultCounts,
  generatedUsers,
  usersCsv,
  assertNoPageErrors,
  WAIT,
  sharedServerAndBrowser,
} from "./harness.mjs";

const TIMEOUT = 180_000;
const shared = sharedServerAndBrowser();

test("the check runs in one worker that loads with the dialog, not the page", { timeout: TIMEOUT }, async () => {
  const page = await signIn(shared.browser, shared.server, "pat@partner.example");
  const requested = [];
  page.on("request", (request) => requested.push(new URL(request.url()).pathname));
  try {
    await openLocation(page, 1);
    assert.equal(page.workers().length, 0, "no worker before the dialog");
    assert.ok(!requested.some((p) => p.includes("check-worker")), requested.join(" "));

    await openImportDialog(page);
    await chooseFile(page, "few.csv", usersCsv(generatedUsers(3)));
    assert.equal((await resultCounts(page)).accepted, 3);
    const workers = page.workers();
    assert.equal(workers.length, 1);
    assert.match(workers[0].url(), /check-worker_loader\.js$/);
    assert.ok(requested.some((p) => p.endsWith("/check-worker_bg.wasm")), requested.join(" "));

    // A second file is checked by the same worker.
    await chooseFile(page, "more.csv", usersCsv(generatedUsers(5)));
    assert.equal((await resultCounts(page)).accepted, 5);
    assert.equal(page.workers().length, 1);
    assertNoPageErrors(page);
  } finally {
    await page.close();
  }
});

test("a large file shows its progress, and Stop checking stops it", { timeout: TIMEOUT }, async () => {
  const page = await signIn(shared.browser, shared.server, "pat@partner.example");
  try {
    await openLocation(page, 1);
    const dialog = await openImportDialog(page);
    const big = usersCsv(generatedUsers(400_000));
    await dialog.locator("input[type=file]").setInputFiles({
      name: "big.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(big, "utf8"),
    });
    await dialog.locator("[role=progressbar]").waitFor({ timeout: WAIT });
    await dialog.locator("[data-testid=cancel-check]").click();
    await dialog.locator("[data-testid=dropzone]").waitFor({ timeout: WAIT });
    await page.waitForTimeout(2_000);
    assert.equal(await dialog.locator("[data-testid=results]").count(), 0, "the stopped check shows nothing");

    await chooseFile(page, "few.csv", usersCsv(generatedUsers(2)));
    assert.equal((await resultCounts(page)).accepted, 2);
    assertNoPageErrors(page);
  } finally {
    await page.close();
  }
});

test("a file over 256 MiB is refused at once, with the limit and what to do", { timeout: TIMEOUT }, async () => {
  // Sparse: the size is all that matters, since nothing of it is read.
  const dir = mkdtempSync(join(tmpdir(), "too-large-"));
  const path = join(dir, "everyone.csv");
  writeFileSync(path, "");
  truncateSync(path, 257 * 1024 * 1024);
  const page = await signIn(shared.browser, shared.server, "pat@partner.example");
  try {
    await openLocation(page, 1);
    const dialog = await openImportDialog(page);
    await dialog.locator("input[type=file]").setInputFiles(path);
    const errors = dialog.locator("[data-testid=file-errors]");
    await errors.waitFor({ timeout: WAIT });
    assert.match(await errors.textContent(), /larger than 256 MB.*Split it into several files/);
    assert.equal((await resultCounts(page)).rows, 0);
    assert.ok(await dialog.locator("[data-testid=import-accepted]").isDisabled());
    assertNoPageErrors(page);
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
