#!/usr/bin/env bash
# A yardstick for the machine (bench/naive-csv): the naive csv-crate loop
# that architecture.md quotes (44–57 ms in wasm for 100,000 rows where the
# budgets were set) next to user_import::check, natively, in node and in
# headless Chromium, in turns; then the product's check of the whole file
# in one Web Worker against its two halves in two workers at once
# (bench/naive-csv/halves.mjs). Argument: rows (default 100000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

bash scripts/setup.sh
cargo build --release -p user-import --example generate
manifest=bench/naive-csv/Cargo.toml
cargo build --release --manifest-path "$manifest"
RUSTFLAGS="-C target-feature=+simd128" \
    cargo build --release --manifest-path "$manifest" --lib --target wasm32-unknown-unknown

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
rows="${1:-100000}"
target/release/examples/generate "$rows" "$WORK/users-$rows.csv"
echo "$(date -u +%FT%TZ), $rows rows"
bench/naive-csv/target/release/naive-csv "$WORK/users-$rows.csv" 10
node bench/naive-csv/run.mjs "$WORK/users-$rows.csv" \
    bench/naive-csv/target/wasm32-unknown-unknown/release/naive_csv.wasm 10
node bench/naive-csv/halves.mjs "$WORK/users-$rows.csv" \
    bench/naive-csv/target/wasm32-unknown-unknown/release/naive_csv.wasm 6
