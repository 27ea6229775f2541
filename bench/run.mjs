// The in-browser benchmark: the built app against Papa Parse, in the same
// headless Chromium, on the same generated files.
//
//   bash scripts/bench-browser.sh [--rounds N] [ROWS...]
//   (default: 5 rounds of 100000 and 1000000 rows)
//
// Each file is measured N times, a round being one check by the app in a
// fresh page and one run of Papa Parse in another: this VM's speed swings
// by half within seconds (README, "Benchmarks"), so one check says little;
// each figure is printed as the median of the rounds and their range, and
// each ratio is taken within a round, then summarized the same way.
//
// In each round the app (signed in to the reference server) checks the file
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
import { takeRounds } from "./args.mjs";

const files = process.argv.slice(2);
const rounds = takeRounds(files, 5);
if (files.length === 0) {
  console.error("usage: node bench/run.mjs [--rounds N] FILE.csv ...   (see scripts/bench-browser.sh)");
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

/// "median 34 ms (33–50 ms)" of `values`, shown with `digits` decimals and
/// `unit`; the median of an even count is the lower middle one.
function spread(values, digits, unit) {
  const sorted = [...values].sort((a, b) => a - b);
  const show = (x) => x.toFixed(digits);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (sorted.length === 1) return `${show(median)}${unit}`;
  return `median ${show(median)}${unit} (${show(sorted[0])}–${show(sorted.at(-1))}${unit})`;
}

const ms = (x) => `${x.toFixed(0)} ms`;

/// The budgets of architecture.md for the sizes it names: the check, and
/// file chosen to results on screen, in ms.
const BUDGETS = { 100000: { check: 40, shown: 150 }, 1000000: { check: 500, shown: 1000 } };

/// ", 4 of 5 within 40 ms" when `rows` has a budget for `what`.
function withinBudget(values, rows, what) {
  const budget = BUDGETS[rows]?.[what];
  if (budget === undefined) return "";
  return `, ${values.filter((v) => v <= budget).length} of ${values.length} within ${budget} ms`;
}

const server = await startServer();
const browser = await startBrowser();
PROFILE = browser.profile;
const version = browser.context.browser()?.version() ?? "";
try {
  console.log(`Chromium ${version}, ${new Date().toISOString()}, ${rounds} round(s) a file`);
  for (const file of files) {
    const size = statSync(file).size;
    const rows = rowsInName(file);
    const seen = [];
    for (let round = 0; round < rounds; round++) {
      const app = await benchApp(browser, server, file, rows);
      const papa = await benchPapa(browser, file);
      if (papa.counts.accepted !== app.accepted) {
        // The ratios compare the same work only if both accept the same rows.
        console.error(`the JavaScript rules accept ${papa.counts.accepted} rows, the app ${app.accepted}`);
        process.exitCode = 1;
      }
      seen.push({ app, papa });
    }
    const of = (pick) => seen.map(pick);
    const grew = of(({ app }) => app.peakRss - app.baseRss);
    const mostGrown = Math.max(...grew);
    console.log(`\n${file}: ${rows.toLocaleString("en")} rows, ${(size / 1e6).toFixed(1)} MB`);
    const checks = of(({ app }) => app.check);
    const shown = of(({ app }) => app.shown);
    console.log(`  app: check (import:check)               ${spread(checks, 0, " ms")}${withinBudget(checks, rows, "check")}`);
    console.log(`  app: chosen to on screen (import:shown) ${spread(shown, 0, " ms")}${withinBudget(shown, rows, "shown")}`);
    console.log(`  app: longest main-thread task           ${ms(Math.max(...of(({ app }) => app.longestTask)))} at most`);
    console.log(`  app: renderer memory added by the check ${(mostGrown / 1e6).toFixed(0)} MB at most (${(mostGrown / size).toFixed(1)}x the file; ${(Math.max(...of(({ app }) => app.peakRss)) / 1e6).toFixed(0)} MB at the peak)`);
    console.log(`  Papa Parse alone                        ${spread(of(({ papa }) => papa.alone), 0, " ms")}`);
    console.log(`  Papa Parse + the rules in JavaScript    ${spread(of(({ papa }) => papa.withRules), 0, " ms")}`);
    console.log(`  the app's check is … as fast as Papa Parse alone: ${spread(of(({ app, papa }) => papa.alone / app.check), 2, "x")}`);
    console.log(`  … as fast as Papa Parse + the rules:             ${spread(of(({ app, papa }) => papa.withRules / app.check), 2, "x")}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
