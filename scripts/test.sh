#!/usr/bin/env bash
# The whole check, as CI runs it (.ci/run): setup, format, lints, native
# tests, browser tests, the release build, a smoke test of dist/ in headless
# Chromium, the first-load size, and (later) the end-to-end tests.
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

# Serves directory $1 on an ephemeral loopback port; sets SERVE_PORT.
serve_static() {
    local dir="$1" port_file="$WORK/port"
    cat >"$WORK/serve.py" <<'PY'
import functools, http.server, sys

class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
    }

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(
    ("127.0.0.1", 0), functools.partial(Handler, directory=sys.argv[1])
)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
    : >"$port_file"
    python3 "$WORK/serve.py" "$dir" >"$port_file" &
    PIDS+=("$!")
    for _ in $(seq 100); do
        if [ -s "$port_file" ]; then
            SERVE_PORT="$(head -n1 "$port_file")"
            return 0
        fi
        sleep 0.1
    done
    echo "the static server did not start" >&2
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

# ------------------------------------------------------------------ smoke test
step "smoke test: dist/ in headless Chromium"
serve_static "$ROOT/dist"
url="http://127.0.0.1:${SERVE_PORT}/"
timeout 120 chromium "${CHROMIUM_FLAGS[@]}" --user-data-dir="$WORK/chromium-profile" \
    --virtual-time-budget=15000 --dump-dom "$url" >"$WORK/dom.html" 2>"$WORK/chromium.log" || {
    echo "chromium failed:" >&2
    tail -n 30 "$WORK/chromium.log" >&2
    exit 1
}
if grep -q 'data-testid="import-csv"' "$WORK/dom.html" && grep -q 'IMPORT.CSV' "$WORK/dom.html"; then
    echo "smoke: the app rendered the IMPORT.CSV button at $url"
else
    echo "smoke: the IMPORT.CSV button is missing: the wasm did not run. DOM:" >&2
    cat "$WORK/dom.html" >&2
    exit 1
fi

# ------------------------------------------------------------------ first-load size
step "first load (gzip -9): wasm + js + css in dist/"
total=0
shopt -s nullglob
for f in dist/*.wasm dist/*.js dist/*.css; do
    raw=$(wc -c <"$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    total=$((total + gz))
    printf '  %-48s %9d bytes raw %9d bytes gzip\n' "$f" "$raw" "$gz"
done
shopt -u nullglob
budget=$((250 * 1024))
printf '  total gzip: %d bytes (%d KiB); budget %d KiB%s\n' "$total" $((total / 1024)) $((budget / 1024)) \
    "$([ "$total" -le "$budget" ] && echo '' || echo ' -- OVER BUDGET')"

# ------------------------------------------------------------------ end-to-end tests
# HOOK: the end-to-end tests go here. They will start the reference API
# (`cargo run --release -p portal-api -- serve ...` on an ephemeral loopback
# port, serving dist/), record its PID in PIDS so that the trap stops it, and
# drive the import flow in headless Chromium with the flags above.
step "end-to-end tests"
echo "  (none yet)"

step "all checks passed"
# One closing line for every cargo test above (unit, integration, doc and
# browser tests): "N passed, N failed".
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i + 1) ~ /^passed/) p += $i; if ($(i + 1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$WORK/native-tests.log" "$WORK/browser-tests.log"
