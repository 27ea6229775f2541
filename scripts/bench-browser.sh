#!/usr/bin/env bash
# The in-browser benchmark (bench/run.mjs): generates deterministic files
# (user_import::sample: names with accents and apostrophes, mixed phone
# formats, quoted cells with commas, ~2% bad rows, ~1% duplicate emails),
# builds the release app and server, and measures the app against Papa
# Parse in headless Chromium. Arguments: row counts (default 100000 1000000).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

bash scripts/setup.sh
trunk build --release
# Two commands: with --example, cargo builds only the named example of
# every package given, not portal-api's binary.
cargo build --release -p portal-api
cargo build --release -p user-import --example generate

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
files=()
for rows in "${@:-100000 1000000}"; do
    for n in $rows; do
        target/release/examples/generate "$n" "$WORK/users-$n.csv"
        files+=("$WORK/users-$n.csv")
    done
done
node bench/run.mjs "${files[@]}"
