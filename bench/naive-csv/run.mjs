// Both loops of naive-csv.wasm (src/lib.rs) in turns: in node, and in a
// page of Debian's headless Chromium (the browser the budgets are for).
// node bench/naive-csv/run.mjs FILE.csv naive-csv.wasm [ROUNDS]
import { readFileSync } from "node:fs";
import { inPageWithFile } from "./page.mjs";

const [file, wasm, rounds = "10"] = process.argv.slice(2);

// Runs in node and in the page alike: instantiates the module, copies the
// file into its memory once, then times the two exports in turns.
async function timeBoth(wasmBytes, fileBytes, rounds) {
  const { instance } = await WebAssembly.instantiate(wasmBytes, {});
  const e = instance.exports;
  const ptr = e.alloc(fileBytes.length);
  new Uint8Array(e.memory.buffer, ptr, fileBytes.length).set(fileBytes);
  const naive = [], product = [];
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    e.run_naive(ptr, fileBytes.length);
    naive.push(performance.now() - t);
    t = performance.now();
    e.run_product(ptr, fileBytes.length);
    product.push(performance.now() - t);
  }
  return { naive, product };
}

function report(place, { naive, product }) {
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
  const f = (x) => x.toFixed(1);
  console.log(`${place}: naive csv loop best ${f(Math.min(...naive))} ms, median ${f(median(naive))} ms (first ${f(naive[0])})`
    + ` | user_import::check best ${f(Math.min(...product))} ms, median ${f(median(product))} ms (first ${f(product[0])})`);
}

const wasmBytes = readFileSync(wasm);
report("node", await timeBoth(wasmBytes, readFileSync(file), Number(rounds)));

const result = await inPageWithFile(file, async ({ source, wasmBase64, rounds }) => {
  const timeBoth = eval(`(${source})`);
  const wasmBytes = Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0));
  const fileBytes = new Uint8Array(await document.getElementById("file").files[0].arrayBuffer());
  return timeBoth(wasmBytes, fileBytes, rounds);
}, { source: timeBoth.toString(), wasmBase64: wasmBytes.toString("base64"), rounds: Number(rounds) });
report("chromium", result);
