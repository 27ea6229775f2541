#!/usr/bin/env bash
# The app's check (import:check) and results on screen (import:shown), as
# built at another commit and as the working tree has it, a page of each in
# turns in headless Chromium (bench/app-versions.mjs): how a change moves
# what bench-browser.sh measures, with this VM's swings on both alike.
# Arguments: the other commit (default HEAD~1), rows (default 100000),
# rounds (default 20). The other commit's first build takes a few minutes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

base="${1:-HEAD~1}"
rows="${2:-100000}"
rounds="${3:-20}"
bash scripts/setup.sh
WORK="$(mktemp -d)"
trap 'git worktree remove --force "$WORK/base" 2>/dev/null || true; rm -rf "$WORK"' EXIT
git worktree add --detach "$WORK/base" "$base" >/dev/null

base_dist="$WORK/$(git rev-parse --short "$base")"
(cd "$WORK/base" && CARGO_TARGET_DIR="$WORK/target" trunk build --release --dist "$base_dist")
trunk build --release --dist "$WORK/working-tree"
cargo build --release --quiet -p portal-api
cargo build --release --quiet -p user-import --example generate
target/release/examples/generate "$rows" "$WORK/users-$rows.csv"
echo "$(date -u +%FT%TZ)"
node bench/app-versions.mjs "$WORK/users-$rows.csv" "$base_dist" "$WORK/working-tree" --rounds "$rounds"
