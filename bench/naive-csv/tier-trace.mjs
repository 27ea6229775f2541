// Which functions of the rules crate's wasm V8 still compiles after a
// warm-up: the trace behind `check_worker::warm_up` (README, "The
// warm-up"). For each warm-up given, a fresh headless Chromium started
// with --js-flags=--trace-wasm-compilation-times loads naive-csv.wasm in a
// page, checks each warm-up sample the given number of times, readies
// 48 MiB of memory as the worker does, waits, then checks FILE.csv three
// times. Between the two it calls a one-function module, whose
// compilation marks the boundary in V8's trace; every compilation of the
// rules' module after it is printed (TurboFan: optimized late; Liftoff:
// first called only then), with the three checks' times.
//
// node bench/naive-csv/tier-trace.mjs FILE.csv naive_csv.wasm SAMPLE.csv:N[,SAMPLE2.csv:M] ...
// (the module as scripts/bench-wasm-versions.sh builds it; samples from
// `cargo run --release -p user-import --example generate`)
//
// V8 prints its trace on the renderer's stdout, which playwright passes
// on only to its debug log: the script runs itself again with
// DEBUG=pw:browser and reads that log.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startBrowser } from "../../tests/e2e/harness.mjs";
const [file, wasm, ...warmUps] = process.argv.slice(2);
if (!file || !wasm || warmUps.length === 0) {
  console.error("usage: node bench/naive-csv/tier-trace.mjs FILE.csv naive_csv.wasm SAMPLE.csv:N[,SAMPLE2.csv:M] ...");
  process.exit(2);
}

// A module of one function, (func (export "m") (result i32) i32.const 42):
// its body is 4 bytes, which names its line in the trace.
const MARKER = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 109, 0, 0, 10, 6, 1, 4, 0, 65, 42, 11];

if (process.env.TIER_TRACE_CHILD) {
  await traceOne(warmUps[0]);
} else {
  for (const warmUp of warmUps) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), file, wasm, warmUp], {
      env: { ...process.env, TIER_TRACE_CHILD: "1", DEBUG: "pw:browser" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    report(warmUp, child.stdout, child.stderr);
  }
}

/// One browser: the warm-up, the marker, the checks; prints the times.
async function traceOne(warmUp) {
  const steps = warmUp.split(",").map((step) => step.split(":"));
  const browser = await startBrowser(["--js-flags=--trace-wasm-compilation-times"]);
  try {
    const page = await browser.context.newPage();
    await page.setContent(`<!doctype html><input type=file id=file>${steps.map((_, i) => `<input type=file id=w${i}>`).join("")}`);
    await page.setInputFiles("#file", file);
    for (const [i, [sample]] of steps.entries()) await page.setInputFiles(`#w${i}`, sample);
    const times = await page.evaluate(
      async ({ module, counts, marker }) => {
        const bytes = Uint8Array.from(atob(module), (c) => c.charCodeAt(0));
        const e = (await WebAssembly.instantiate(bytes, {})).instance.exports;
        const load = async (id) => {
          const data = new Uint8Array(await document.getElementById(id).files[0].arrayBuffer());
          const ptr = e.alloc(data.length);
          new Uint8Array(e.memory.buffer, ptr, data.length).set(data);
          return [ptr, data.length];
        };
        for (const [i, count] of counts.entries()) {
          const [ptr, len] = await load(`w${i}`);
          for (let k = 0; k < count; k++) e.run_product(ptr, len);
        }
        e.warm_memory(48 * 1024 * 1024);
        await new Promise((resolve) => setTimeout(resolve, 1500));
        (await WebAssembly.instantiate(new Uint8Array(marker), {})).instance.exports.m();
        await new Promise((resolve) => setTimeout(resolve, 300));
        const [ptr, len] = await load("file");
        const times = [];
        for (let i = 0; i < 3; i++) {
          const start = performance.now();
          e.run_product(ptr, len);
          times.push(performance.now() - start);
        }
        // Lets the last compilations reach the trace.
        await new Promise((resolve) => setTimeout(resolve, 500));
        return times;
      },
      { module: readFileSync(wasm).toString("base64"), counts: steps.map(([, n]) => Number(n)), marker: MARKER },
    );
    console.log(times.map((t) => t.toFixed(1)).join(" "));
  } finally {
    await browser.close();
  }
}

/// Prints what the child's trace says: compilations of the rules' module
/// (the first module compiled) before and after the marker.
function report(warmUp, times, log) {
  const compiled = log.split("\n").filter((line) => line.includes("Compiled function"));
  const moduleOf = (line) => line.match(/Compiled function (0x[0-9a-f]+)#/)?.[1];
  const rules = moduleOf(compiled[0] ?? "");
  const markerAt = compiled.findIndex((line) => moduleOf(line) !== rules && line.includes("bodysize 4 "));
  if (!rules || markerAt < 0) {
    console.error(`${warmUp}: no trace found (is this Chromium's V8 printing --trace-wasm-compilation-times?)`);
    process.exit(1);
  }
  const ofRules = (lines) => lines.filter((line) => moduleOf(line) === rules);
  const optimizedBefore = ofRules(compiled.slice(0, markerAt)).filter((line) => line.includes("TurboFan"));
  const names = functionNames(readFileSync(wasm));
  const after = ofRules(compiled.slice(markerAt + 1)).map((line) => {
    const [, index, tier] = line.match(/#(\d+) using (\w+)/);
    return `${names.get(Number(index)) ?? `#${index}`} (${tier})`;
  });
  console.log(`${warmUp}: checks ${times.trim()} ms; optimized in the warm-up: ${optimizedBefore.length}; compiled after it: ${after.length ? after.join(", ") : "none"}`);
}

/// Function index → a readable name, from the module's name section
/// (rustc writes one unless symbols are stripped): the last two path
/// segments of the mangled name, without its hash.
function functionNames(bytes) {
  const names = new Map();
  let at = 8;
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const text = (len) => new TextDecoder().decode(bytes.subarray(at, (at += len)));
  while (at < bytes.length) {
    const id = bytes[at++];
    const end = leb() + at;
    if (id === 0 && text(leb()) === "name") {
      while (at < end) {
        const sub = bytes[at++];
        const subEnd = leb() + at;
        if (sub === 1) {
          for (let count = leb(); count > 0; count--) {
            const index = leb();
            names.set(index, readable(text(leb())));
          }
        }
        at = subEnd;
      }
    }
    at = end;
  }
  return names;
}

/// `_ZN11user_import5rules5phone11write_phone17h…E` → `phone::write_phone`:
/// the last two length-prefixed identifiers of the mangled name, without
/// its hash (close enough for v0 names, `_R…`, too).
function readable(mangled) {
  const parts = [];
  for (let i = 0; i < mangled.length; ) {
    const digits = mangled.slice(i).match(/^[1-9]\d*/)?.[0];
    if (!digits) {
      i++;
      continue;
    }
    i += digits.length;
    const len = Number(digits);
    if (i + len <= mangled.length && /^[A-Za-z_]/.test(mangled[i])) {
      parts.push(mangled.slice(i, i + len));
      i += len;
    }
  }
  const named = parts.filter((part) => !/^h[0-9a-f]{16}$/.test(part));
  return named.slice(-2).join("::") || mangled;
}
