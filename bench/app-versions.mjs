// The app's check as two or more builds of it (dist/ directories) do it,
// one page of each in turns, in one headless Chromium, each build served
// by its own reference server: so that this VM's swings in speed (README,
// "Benchmarks") fall on every build alike.
//
// node bench/app-versions.mjs FILE.csv DIST_A DIST_B ... [--rounds N]
// (scripts/bench-app-versions.sh builds the app of two commits)
import { basename } from "node:path";
import { startServer, startBrowser } from "../tests/e2e/harness.mjs";
import { pageWithImportDialog, checkFile, rowsInName } from "./app-page.mjs";
import { takeRounds } from "./args.mjs";

const args = process.argv.slice(2);
const rounds = takeRounds(args, 20);
const [file, ...dists] = args;
if (!file || dists.length === 0) {
  console.error("usage: node bench/app-versions.mjs FILE.csv DIST_A DIST_B ... [--rounds N]");
  process.exit(2);
}
const rows = rowsInName(file);

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const ms = (x) => x.toFixed(0);
  return `${ms(sorted[0])}–${ms(sorted.at(-1))} ms (median ${ms(sorted[Math.floor(sorted.length / 2)])})`;
}

const servers = await Promise.all(dists.map((dist) => startServer([], dist)));
const browser = await startBrowser();
const measures = dists.map(() => []);
try {
  for (let round = 0; round < rounds; round++) {
    // Each build first in every other round.
    const order = dists.map((_, i) => i);
    if (round % 2) order.reverse();
    for (const i of order) {
      const page = await pageWithImportDialog(browser, servers[i]);
      measures[i].push(await checkFile(page, file, rows));
      if (page.pageErrors.length) throw new Error(`page errors: ${page.pageErrors}`);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await Promise.all(servers.map((server) => server.stop()));
}
console.log(`${rows.toLocaleString("en")} rows, ${rounds} checks of each build in turns, a fresh page each`);
dists.forEach((dist, i) => {
  console.log(`${basename(dist)}: check ${summary(measures[i].map((m) => m.check))}, on screen ${summary(measures[i].map((m) => m.shown))}`);
});
