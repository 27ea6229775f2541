#!/usr/bin/env bash
# Where the rules crate's check spends its time in wasm, by machine
# instruction: builds bench/naive-csv's module from the working tree, runs
# its check in node under `perf` (bench/naive-csv/profile.mjs), and prints
# the functions by share of samples, then the hottest instructions of the
# row check (`Rows::cells`, where the rules are inlined). V8's own profile
# (`node --cpu-prof`) stops at functions, and most of the check is one.
# Arguments: rows (default 100000), rounds (default 60).
# Needs `perf` (apt: linux-perf) and the right to use it (root here).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

rows="${1:-100000}"
rounds="${2:-60}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RUSTFLAGS="-C target-feature=+simd128" cargo build --release --quiet \
    --manifest-path bench/naive-csv/Cargo.toml --lib --target wasm32-unknown-unknown \
    --target-dir "$WORK/target"
cargo build --release --quiet -p user-import --example generate
target/release/examples/generate "$rows" "$WORK/users-$rows.csv" >/dev/null
wasm="$WORK/target/wasm32-unknown-unknown/release/naive_csv.wasm"
file="$WORK/users-$rows.csv"
# --perf-prof writes jit-PID.dump (the generated code) into the current
# directory; `perf inject --jit` joins it to the samples.
(cd "$WORK" && perf record -q -k 1 -o perf.data \
    node --perf-prof "$OLDPWD/bench/naive-csv/profile.mjs" "$file" "$wasm" --rounds "$rounds")
perf inject --jit -i "$WORK/perf.data" -o "$WORK/perf.jit.data"
echo "== functions, by share of samples"
perf report -i "$WORK/perf.jit.data" --stdio --sort sym 2>/dev/null | grep '%' | sed -n 1,20p
cells=$(perf report -i "$WORK/perf.jit.data" --stdio --sort sym 2>/dev/null \
    | grep -o 'JS:_ZN11user_import7checker4Rows5cells[^ ]*turbofan' | sed -n 1p)
echo "== the hottest instructions of the row check (percent of its samples)"
perf annotate -i "$WORK/perf.jit.data" --stdio "$cells" 2>/dev/null \
    | awk -F: '$1 + 0 >= 1.0' | sort -rn | sed -n 1,20p
