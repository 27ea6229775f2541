#!/usr/bin/env bash
# Runs the product on this machine: builds the app into dist/ and serves it
# with the reference API (crates/portal-api) and its demo data on
# http://127.0.0.1:8080/, printing a sign-in link per demo account. The data
# is kept in portal.db; extra arguments go to `serve` (e.g. --port 9000).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# node_modules/.bin first: wasm-opt from the npm package binaryen (see Trunk.toml).
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

bash scripts/setup.sh
trunk build --release
exec cargo run --release -p portal-api -- serve --dist dist --demo "$@"
