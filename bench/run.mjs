// The in-browser benchmark: the built app against Papa Parse, in the same
// headless Chromium, on the same generated files.
//
//   bash scripts/bench-browser.sh [ROWS...]      (default: 100000 1000000)
//
// For each file: the app (signed in to the reference server) checks it
// through the real file input of the Import users dialog, one second after
// the dialog opened (its check worker starts then); the figures are
// the app's own performance.measure entries (`import:check`: bytes to
// report; `import:shown`: file chosen to results on screen), the longest
// main-thread task seen by a PerformanceObserver('longtask'), and the peak
// memory of the page's renderer process (RSS, sampled every 20 ms). Then, in
// a blank page of the same browser, Papa Parse parses the same file (read
// with File.text(), as the app reads bytes) alone, and again followed by
// the same rules in plain JavaScript (bench/js-rules.js).
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { startServer, startBrowser, ROOT } from "../tests/e2e/harness.mjs";
import { pageWithImportDialog, checkFile, rowsInName } from "./app-page.mjs";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node bench/run.mjs FILE.csv ...   (see scripts/bench-browser.sh)");
  process.exit(2);
}

let PROFILE = "";

/// This browser's renderer processes (found once, before a file is chosen:
/// listing /proc and reading every process's command line takes about
/// 0.5 ms here, too much to repeat every 20 ms beside the check).
function rendererPids() {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        return cmd.includes("--type=renderer") && cmd.includes(PROFILE);
      } catch {
        return false; // the process ended meanwhile
      }
    });
}

/// The resident memory of the processes `pids`, in bytes.
function rssOf(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const rss = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

async function withPeakRss(pids, work) {
  let peak = rssOf(pids);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pids))), 20);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, rssOf(pids)) };
  } finally {
    clearInterval(timer);
  }
}

async function benchApp(browser, server, file, rows) {
  const page = await pageWithImportDialog(browser, server);
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
    }).observe({ type: "longtask" });
  });
  const renderers = rendererPids();
  const before = rssOf(renderers);
  const { result: measures, peak } = await withPeakRss(renderers, () => checkFile(page, file, rows));
  const figures = await page.evaluate(() => ({
    longestTask: Math.max(0, ...window.__longTasks),
    accepted: Number(document.querySelector("[data-count=accepted]").textContent),
  }));
  if (page.pageErrors.length) throw new Error(`page errors: ${page.pageErrors}`);
  await page.close();
  return { ...measures, ...figures, peakRss: peak, baseRss: before };
}

async function benchPapa(browser, file) {
  const page = await browser.context.newPage();
  await page.setContent("<!doctype html><input type=file id=f>");
  await page.addScriptTag({ path: join(ROOT, "node_modules/papaparse/papaparse.min.js") });
  await page.addScriptTag({ path: join(ROOT, "bench/js-rules.js") });
  await page.setInputFiles("#f", file);
  const result = await page.evaluate(async () => {
    const file = document.getElementById("f").files[0];
    const parseOnly = async () => {
      const t0 = performance.now();
      const parsed = Papa.parse(await file.text(), { skipEmptyLines: false });
      return { ms: performance.now() - t0, records: parsed.data.length };
    };
    const withRules = async () => {
      const t0 = performance.now();
      const parsed = Papa.parse(await file.text(), { skipEmptyLines: false });
      const counts = jsRules.checkRows(parsed.data);
      return { ms: performance.now() - t0, counts };
    };
    const alone = await parseOnly();
    const rules = await withRules();
    return { alone: alone.ms, withRules: rules.ms, counts: rules.counts };
  });
  await page.close();
  return result;
}

const server = await startServer();
const browser = await startBrowser();
PROFILE = browser.profile;
const version = browser.context.browser()?.version() ?? "";
try {
  console.log(`Chromium ${version}, ${new Date().toISOString()}`);
  for (const file of files) {
    const size = statSync(file).size;
    const rows = rowsInName(file);
    const app = await benchApp(browser, server, file, rows);
    const papa = await benchPapa(browser, file);
    if (papa.counts.accepted !== app.accepted) {
      // The ratios compare the same work only if both accept the same rows.
      console.error(`the JavaScript rules accept ${papa.counts.accepted} rows, the app ${app.accepted}`);
      process.exitCode = 1;
    }
    const ms = (x) => `${x.toFixed(0)} ms`;
    console.log(`\n${file}: ${rows.toLocaleString("en")} rows, ${(size / 1e6).toFixed(1)} MB`);
    console.log(`  app: check (import:check)            ${ms(app.check)}`);
    console.log(`  app: chosen to on screen (import:shown) ${ms(app.shown)}`);
    console.log(`  app: longest main-thread task        ${ms(app.longestTask)}`);
    const grew = app.peakRss - app.baseRss;
    console.log(`  app: peak renderer memory            ${(app.peakRss / 1e6).toFixed(0)} MB: ${(app.baseRss / 1e6).toFixed(0)} MB before the file, +${(grew / 1e6).toFixed(0)} MB (${(grew / size).toFixed(1)}x the file)`);
    console.log(`  Papa Parse alone                     ${ms(papa.alone)}  (app check is ${(papa.alone / app.check).toFixed(2)}x as fast)`);
    console.log(`  Papa Parse + the rules in JavaScript ${ms(papa.withRules)}  (app check is ${(papa.withRules / app.check).toFixed(2)}x as fast)`);
  }
} finally {
  await browser.close();
  await server.stop();
}
