// The app as the in-browser benchmarks drive it: a page signed in to the
// reference server with the Import users dialog open, where a file is
// chosen through the real file input and the app's own measures are read.
import { signIn } from "../tests/e2e/harness.mjs";

/// A new page of `browser`, signed in to `server` as the demo
/// administrator, with the Import users dialog open for a second: the
/// check worker starts when the dialog opens, and a person takes longer
/// than that to pick a file, so the figures leave its start-up out.
export async function pageWithImportDialog(browser, server) {
  const page = await signIn(browser, server, "alex@amsterdam.example");
  await page.click("[data-testid=import-csv]:not([disabled])", { timeout: 30000 });
  await page.waitForSelector("[data-testid=import-dialog] input[type=file]", { state: "attached" });
  await page.waitForTimeout(1000);
  await page.evaluate(() => {
    performance.clearMarks();
    performance.clearMeasures();
  });
  return page;
}

/// Chooses `file` (of `rows` data rows) in the open dialog and waits until
/// its results are on screen; returns the app's measures in ms: `check`
/// (`import:check`, bytes to report) and `shown` (`import:shown`, file
/// chosen to results on screen).
export async function checkFile(page, file, rows) {
  await page.setInputFiles("[data-testid=import-dialog] input[type=file]", file);
  await page.waitForFunction(
    (rows) => document.querySelector("[data-count=rows]")?.textContent === String(rows)
      && performance.getEntriesByName("import:shown").length > 0,
    rows,
    { timeout: 120000, polling: 50 },
  );
  return page.evaluate(() => {
    const last = (name) => performance.getEntriesByName(name).at(-1)?.duration;
    return { check: last("import:check"), shown: last("import:shown") };
  });
}

/// The data rows of a file that `generate N FILE` wrote (its name ends in N).
export function rowsInName(file) {
  return Number(file.match(/(\d+)/g).at(-1));
}
