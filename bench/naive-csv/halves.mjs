// What two Web Workers would gain (user_import::part): in headless
// Chromium, user_import::check (naive-csv.wasm's run_product) of a whole
// file in one worker, then of its two halves in two workers at once (the
// first half up to a line end after the middle; the header and the rest),
// each worker fresh and warmed up with three checks of the file's first
// 500 kB, as the app's check worker is. The halves' checks are timed
// inside their workers; "both" is the page's time from posting them to
// both answers. The halves do not look across each other (duplicates),
// which the joined check does once, after them.
//
// node bench/naive-csv/halves.mjs FILE.csv naive-csv.wasm [ROUNDS]
// (scripts/bench-naive-csv.sh builds naive-csv.wasm and a file; see README)
import { readFileSync } from "node:fs";
import { inPageWithFile } from "./page.mjs";

const [file, wasm, rounds = "6"] = process.argv.slice(2);

// The worker: instantiates the module, warms up, checks the bytes it gets.
const workerSource = `
let e;
onmessage = async ({ data }) => {
  if (data.wasm) {
    e = (await WebAssembly.instantiate(data.wasm, {})).instance.exports;
    const warm = new Uint8Array(data.warm);
    const at = e.alloc(warm.length);
    new Uint8Array(e.memory.buffer, at, warm.length).set(warm);
    for (let i = 0; i < 3; i++) e.run_product(at, warm.length);
    return postMessage({});
  }
  const bytes = new Uint8Array(data.bytes);
  const at = e.alloc(bytes.length);
  new Uint8Array(e.memory.buffer, at, bytes.length).set(bytes);
  const start = performance.now();
  e.run_product(at, bytes.length);
  postMessage({ ms: performance.now() - start });
};`;

async function inPage({ workerSource, wasmBase64, rounds }) {
  const wasm = Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0));
  const whole = new Uint8Array(await document.getElementById("file").files[0].arrayBuffer());
  const url = URL.createObjectURL(new Blob([workerSource], { type: "text/javascript" }));
  const ask = (worker, message) => new Promise((resolve) => {
    worker.onmessage = ({ data }) => resolve(data);
    worker.postMessage(message);
  });
  const warm = whole.slice(0, whole.lastIndexOf(10, 500_000) + 1);
  const headerEnd = whole.indexOf(10) + 1;
  const split = whole.indexOf(10, whole.length >> 1) + 1;
  const later = new Uint8Array(headerEnd + whole.length - split);
  later.set(whole.subarray(0, headerEnd));
  later.set(whole.subarray(split), headerEnd);
  const results = [];
  for (let round = 0; round < rounds; round++) {
    const workers = [0, 1, 2].map(() => new Worker(url));
    await Promise.all(workers.map((w) => ask(w, { wasm, warm: warm.buffer.slice(0) })));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const one = await ask(workers[0], { bytes: whole.buffer.slice(0) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const firstBytes = whole.buffer.slice(0, split);
    const laterBytes = later.buffer.slice(0);
    const start = performance.now();
    const [first, second] = await Promise.all([
      ask(workers[1], { bytes: firstBytes }),
      ask(workers[2], { bytes: laterBytes }),
    ]);
    results.push({ one: one.ms, first: first.ms, second: second.ms, both: performance.now() - start });
    workers.forEach((w) => w.terminate());
  }
  return results;
}

const results = await inPageWithFile(file, inPage, {
  workerSource,
  wasmBase64: readFileSync(wasm).toString("base64"),
  rounds: Number(rounds),
});
const f = (x) => x.toFixed(1).padStart(6);
console.log(`${file}: user_import::check in fresh, warmed-up workers of headless Chromium (ms)`);
for (const r of results) {
  console.log(`  whole file, one worker ${f(r.one)} | halves in two workers ${f(r.first)} and ${f(r.second)}, both answered after ${f(r.both)}`);
}
