#!/usr/bin/env bash
# The rules crate's check in wasm, as built at another commit and as the
# working tree has it, timed in turns in headless Chromium
# (bench/naive-csv/versions.mjs): how a change to the crate moves the
# check in the browser, away from the app's reading and messages.
# Arguments: the other commit (default HEAD~1), rows (default 100000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

base="${1:-HEAD~1}"
rows="${2:-100000}"
bash scripts/setup.sh
WORK="$(mktemp -d)"
trap 'git worktree remove --force "$WORK/base" 2>/dev/null || true; rm -rf "$WORK"' EXIT
git worktree add --detach "$WORK/base" "$base" >/dev/null

build() { # source tree, output .wasm
    RUSTFLAGS="-C target-feature=+simd128" cargo build --release --quiet \
        --manifest-path "$1/bench/naive-csv/Cargo.toml" --lib --target wasm32-unknown-unknown \
        --target-dir "$WORK/target"
    cp "$WORK/target/wasm32-unknown-unknown/release/naive_csv.wasm" "$2"
}
base_wasm="$WORK/$(git rev-parse --short "$base").wasm"
build "$WORK/base" "$base_wasm"
build "$PWD" "$WORK/working-tree.wasm"

cargo build --release --quiet -p user-import --example generate
target/release/examples/generate "$rows" "$WORK/users-$rows.csv"
echo "$(date -u +%FT%TZ), $rows rows"
node bench/naive-csv/versions.mjs "$WORK/users-$rows.csv" "$base_wasm" "$WORK/working-tree.wasm"
