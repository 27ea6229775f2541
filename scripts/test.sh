#!/usr/bin/env bash
# The whole check, as CI runs it (.ci/run): setup, format, lints, native
# tests, browser tests, the release build, a smoke test of dist/ in headless
# Chromium, the first-load size, and the end-to-end tests.
# Any failing step fails the script.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

# node_modules/.bin first: wasm-opt from the npm package binaryen (see Trunk.toml).
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

# Flags for Chromium as root on a machine without GPU or network.
CHROMIUM_FLAGS=(
    --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --disable-dev-shm-usage
)

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step() { printf '\n==> [%ds] %s\n' "$SECONDS" "$*"; }

# Starts the release reference server on an ephemeral loopback port with a
# fresh in-memory database, serving dist/; sets SERVER_URL.
start_server() {
    local out="$WORK/server.out"
    : >"$out"
    "$PORTAL_API" serve --port 0 --db :memory: --demo --dist "$ROOT/dist" >"$out" &
    PIDS+=("$!")
    for _ in $(seq 100); do
        SERVER_URL="$(sed -n 's/^Voice portal: \(http:[^ ]*\).*/\1/p' "$out")"
        if [ -n "$SERVER_URL" ]; then
            return 0
        fi
        sleep 0.1
    done
    echo "the reference server did not start:" >&2
    cat "$out" >&2
    return 1
}

# ------------------------------------------------------------------ setup
step "setup"
bash scripts/setup.sh

# ------------------------------------------------------------------ format and lints
step "cargo fmt --check"
cargo fmt --all -- --check

# The app (voice-portal) is linted and tested for wasm32 only, where it
# runs: building Leptos natively as well would add minutes and test nothing.
step "clippy (native, workspace but the app)"
cargo clippy --workspace --exclude voice-portal --all-targets -- -D warnings

step "clippy (wasm32, SPA)"
cargo clippy -p voice-portal --target wasm32-unknown-unknown --all-targets -- -D warnings

# ------------------------------------------------------------------ tests
step "tests (native, workspace but the app)"
cargo test --workspace --exclude voice-portal 2>&1 | tee "$WORK/native-tests.log"

step "browser tests (wasm-bindgen-test, headless Chromium)"
cargo test --target wasm32-unknown-unknown -p voice-portal 2>&1 | tee "$WORK/browser-tests.log"

# ------------------------------------------------------------------ release build
step "trunk build --release"
rm -rf dist
trunk build --release

# The smoke and end-to-end tests use the debug build of the reference
# server that the native tests built (a release build with LTO would add
# minutes and change nothing that these tests look at).
export PORTAL_API="$ROOT/target/debug/portal-api"
if [ ! -x "$PORTAL_API" ]; then
    step "cargo build -p portal-api"
    cargo build -p portal-api
fi

# ------------------------------------------------------------------ smoke test
step "smoke test: dist/ from the reference server in headless Chromium"
start_server
timeout 120 chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$WORK/chromium-profile" \
    --virtual-time-budget=15000 --dump-dom "$SERVER_URL" >"$WORK/dom.html" 2>"$WORK/chromium.log" || {
    echo "chromium failed:" >&2
    tail -n 30 "$WORK/chromium.log" >&2
    exit 1
}
# Not signed in: the app asks /api/me, gets 401 and says how to sign in.
if grep -q 'data-testid="sign-in-needed"' "$WORK/dom.html"; then
    echo "smoke: the app ran and asked to sign in at $SERVER_URL"
else
    echo "smoke: no sign-in page: the wasm did not run or the API did not answer. DOM:" >&2
    cat "$WORK/dom.html" >&2
    exit 1
fi

# ------------------------------------------------------------------ first-load size
# The check worker (check-worker*) is loaded when the Import users dialog
# opens, not with the page: it is listed apart and not counted.
step "first load (gzip -9): wasm + js + css in dist/"
total=0
shopt -s nullglob
for f in dist/*.wasm dist/*.js dist/*.css; do
    raw=$(wc -c <"$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    case "$(basename "$f")" in
        check-worker*) printf '  %-48s %9d bytes raw %9d bytes gzip (worker, loaded later)\n' "$f" "$raw" "$gz"; continue ;;
    esac
    total=$((total + gz))
    printf '  %-48s %9d bytes raw %9d bytes gzip\n' "$f" "$raw" "$gz"
done
shopt -u nullglob
budget=$((250 * 1024))
printf '  total gzip: %d bytes (%d KiB); budget %d KiB\n' "$total" $((total / 1024)) $((budget / 1024))
if [ "$total" -gt "$budget" ]; then
    echo "first load OVER BUDGET (architecture.md: <= 250 KB gzip)" >&2
    exit 1
fi

# ------------------------------------------------------------------ end-to-end tests
# tests/e2e/*.test.mjs: each starts $PORTAL_API on an
# ephemeral port with a fresh in-memory database (and stops it), and drives
# dist/ in Debian's Chromium through playwright-core.
step "end-to-end tests (node --test tests/e2e/)"
node --test --test-concurrency=1 tests/e2e/ 2>&1 | tee "$WORK/e2e-tests.log"

# ------------------------------------------------------------------ benchmark smoke
# The in-browser benchmark as the README documents it, on a small file: the
# command must keep working for anyone who runs it, and the JavaScript rules
# it compares against must accept the same rows as the app (run.mjs fails
# otherwise). Its timings at this size mean nothing.
step "benchmark smoke: bash scripts/bench-browser.sh --rounds 2 2000"
bash scripts/bench-browser.sh --rounds 2 2000

step "all checks passed"
# One closing line for every test above (cargo's unit, integration, doc and
# browser tests, and node's end-to-end tests): "N passed, N failed".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i + 1) ~ /^passed/) p += $i; if ($(i + 1) ~ /^failed/) f += $i } }
     /^# pass / { p += $3 } /^# fail / { f += $3 }
     END { printf "%d passed, %d failed\n", p, f }' "$WORK/native-tests.log" "$WORK/browser-tests.log" "$WORK/e2e-tests.log"
