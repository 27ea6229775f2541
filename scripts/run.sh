#!/usr/bin/env bash
# Runs the product on this machine: builds the app into dist/ and serves it
# with the reference server (crates/portal-api) on http://127.0.0.1:8080/.
# The API and its demo data (`serve --demo`) come with the reference API
# issue; extra arguments are passed on to `serve` (e.g. --port 9000).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# node_modules/.bin first: wasm-opt from the npm package binaryen (see Trunk.toml).
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

bash scripts/setup.sh
trunk build --release
exec cargo run --release -p portal-api -- serve --dist dist "$@"
