// The page the naive-csv scripts time wasm in: a fresh page of Debian's
// headless Chromium (tests/e2e/harness.mjs) that holds FILE in
// <input id=file>, as a person would have chosen it.
import { startBrowser } from "../../tests/e2e/harness.mjs";

// Calls `inPage(args)` in that page and returns its answer (`args` and
// the answer cross as JSON); `inPage` finds the file in
// `document.getElementById("file").files[0]`.
export async function inPageWithFile(file, inPage, args) {
  const browser = await startBrowser();
  try {
    const page = await browser.context.newPage();
    await page.setContent("<!doctype html><input type=file id=file>");
    await page.setInputFiles("#file", file);
    return await page.evaluate(`(${inPage})(${JSON.stringify(args)})`);
  } finally {
    await browser.close();
  }
}
