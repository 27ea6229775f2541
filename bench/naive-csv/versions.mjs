// user_import::check of two or more builds of naive-csv.wasm (src/lib.rs)
// in one page of headless Chromium, one check of each in turns, so that
// this VM's swings in speed (README, "Benchmarks") fall on every build
// alike. Each module is warmed up with ten checks first.
//
// node bench/naive-csv/versions.mjs FILE.csv A.wasm B.wasm ... [--rounds N]
// (scripts/bench-wasm-versions.sh builds the modules of two commits)
import { readFileSync } from "node:fs";
import { inPageWithFile } from "./page.mjs";
import { takeRounds } from "../args.mjs";

const args = process.argv.slice(2);
const rounds = takeRounds(args, 150);
const [file, ...wasms] = args;
if (!file || wasms.length === 0) {
  console.error("usage: node bench/naive-csv/versions.mjs FILE.csv A.wasm B.wasm ... [--rounds N]");
  process.exit(2);
}

async function inPage({ modules, rounds }) {
  const whole = new Uint8Array(await document.getElementById("file").files[0].arrayBuffer());
  const checks = [];
  for (const base64 of modules) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const e = (await WebAssembly.instantiate(bytes, {})).instance.exports;
    const ptr = e.alloc(whole.length);
    new Uint8Array(e.memory.buffer, ptr, whole.length).set(whole);
    for (let i = 0; i < 10; i++) e.run_product(ptr, whole.length);
    checks.push(() => e.run_product(ptr, whole.length));
  }
  const times = checks.map(() => []);
  for (let r = 0; r < rounds; r++) {
    checks.forEach((check, i) => {
      const start = performance.now();
      check();
      times[i].push(performance.now() - start);
    });
  }
  return times;
}

const modules = wasms.map((w) => readFileSync(w).toString("base64"));
const times = await inPageWithFile(file, inPage, { modules, rounds });
console.log(`${file}: user_import::check in headless Chromium, ${rounds} checks of each build in turns (ms)`);
times.forEach((t, i) => {
  const sorted = [...t].sort((a, b) => a - b);
  const q = (p) => sorted[Math.floor(p * (sorted.length - 1))].toFixed(1).padStart(6);
  console.log(`  best ${q(0)} | quartiles ${q(0.25)} ${q(0.5)} ${q(0.75)} | ${wasms[i]}`);
});
