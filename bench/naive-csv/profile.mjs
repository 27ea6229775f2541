// Runs user_import::check of a naive-csv.wasm build (src/lib.rs) over and
// over in node, for `perf` to sample: V8 compiles wasm to the same machine
// code in node as in Chromium, and with --perf-prof it writes that code
// out, so `perf annotate` can show which instructions of the check take
// the time (scripts/profile-wasm.sh runs it all).
//
// perf record -k 1 node --perf-prof bench/naive-csv/profile.mjs FILE.csv A.wasm [--rounds N]
import { readFileSync } from "node:fs";
import { takeRounds } from "../args.mjs";

const args = process.argv.slice(2);
const rounds = takeRounds(args, 60);
const [file, wasm] = args;
if (!file || !wasm) {
  console.error("usage: node bench/naive-csv/profile.mjs FILE.csv A.wasm [--rounds N]");
  process.exit(2);
}
const whole = readFileSync(file);
const e = (await WebAssembly.instantiate(readFileSync(wasm), {})).instance.exports;
const ptr = e.alloc(whole.length);
new Uint8Array(e.memory.buffer, ptr, whole.length).set(whole);
// Until the optimizing compiler has the check (as the app's warm-up does).
for (let i = 0; i < 15; i++) e.run_product(ptr, whole.length);
const start = performance.now();
for (let i = 0; i < rounds; i++) e.run_product(ptr, whole.length);
console.log(`${((performance.now() - start) / rounds).toFixed(1)} ms a check (${rounds} checks)`);
