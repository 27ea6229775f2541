#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently: on a fresh
# Debian machine with only Rust (rustup) it takes a while (trunk and
# wasm-bindgen-cli are built from source); afterwards it is a few quick checks.
#
#   apt:    chromium, chromium-driver (browser tests, smoke test),
#           python3 (static server), build-essential (C compiler for build
#           scripts), nodejs + npm (only when missing: they come with the machine)
#   npm:    playwright-core (end-to-end tests, driving Debian's Chromium),
#           papaparse (the benchmark's comparison), and
#           binaryen (package.json): wasm-opt for `trunk build --release`, in
#           node_modules/.bin, which the scripts put first on PATH. Debian
#           bookworm's binaryen 108 is not used: it writes a wrong table index
#           for wasm-bindgen's externref table export and the app fails to start.
#   rustup: the wasm32-unknown-unknown target, clippy, rustfmt
#   cargo:  fetch the dependencies (trunk runs cargo --offline)
#   cargo:  trunk 0.21.x, wasm-bindgen-cli = the wasm-bindgen version in Cargo.lock
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

log() { printf '==> setup: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- apt packages
if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
else
    SUDO=(sudo)
fi

missing=()
need_cmd() { # command package
    if ! command -v "$1" >/dev/null 2>&1; then
        missing+=("$2")
    fi
}
need_cmd chromium chromium
need_cmd chromedriver chromium-driver
need_cmd python3 python3
need_cmd gzip gzip
need_cmd cc build-essential
need_cmd node nodejs
need_cmd npm npm

if [ "${#missing[@]}" -gt 0 ]; then
    log "installing apt packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -q
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" fonts-dejavu-core ca-certificates
fi

# ---------------------------------------------------------------- npm tools
# wasm-opt: the binaryen version pinned in package.json (Trunk.toml requires it).
wasm_opt_want="$(sed -n 's/.*"binaryen": "\([0-9]*\)\..*/\1/p' package.json)"
wasm_opt_version="$(node_modules/.bin/wasm-opt --version 2>/dev/null | awk '{print $3}' || true)"
# playwright-core drives Debian's Chromium (it downloads no browser);
# papaparse is the in-browser benchmark's point of comparison.
if [ "$wasm_opt_version" != "$wasm_opt_want" ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/papaparse ]; then
    log "installing npm packages (binaryen ${wasm_opt_want}, playwright-core, papaparse)"
    npm ci --no-audit --no-fund
    wasm_opt_version="$(node_modules/.bin/wasm-opt --version | awk '{print $3}')"
fi

# ---------------------------------------------------------------- rustup
if ! command -v rustup >/dev/null 2>&1; then
    log "rustup not found: install Rust with rustup first" && exit 1
fi
installed_targets="$(rustup target list --installed)"
if ! grep -qx wasm32-unknown-unknown <<<"$installed_targets"; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
fi
installed_components="$(rustup component list --installed)"
for component in clippy rustfmt; do
    if ! grep -q "^${component}" <<<"$installed_components"; then
        log "adding rustup component ${component}"
        rustup component add "$component"
    fi
done

# ---------------------------------------------------------------- dependencies
# trunk runs `cargo build --offline` (Trunk.toml), so fetch first. This also
# writes Cargo.lock when there is none, which the wasm-bindgen check reads.
cargo fetch --quiet

# ---------------------------------------------------------------- cargo tools
# These are development tools: build them without fat LTO (trunk's own
# release profile asks for it; measured here: 22 min with it, next to another
# build, and 11.5 min without).
fast_install() {
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
        cargo install "$@"
}

# trunk 0.21 (0.22 does not build on the pinned toolchain).
if ! trunk --version 2>/dev/null | grep -Eq '^trunk 0\.21\.'; then
    log "installing trunk 0.21"
    fast_install trunk --version '^0.21' --locked
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen crate version the app links.
wbg_version=""
if [ -f Cargo.lock ]; then
    wbg_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
fi
if [ -z "$wbg_version" ]; then
    wbg_version="$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)"
fi
if [ -z "$wbg_version" ]; then
    log "cannot tell which wasm-bindgen version the app uses" && exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg_version" ] ||
    [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $wbg_version" ]; then
    log "installing wasm-bindgen-cli $wbg_version"
    # Not --locked: the crate's lock file names a dependency version that the
    # registry does not have.
    fast_install wasm-bindgen-cli --version "$wbg_version" --force
fi

log "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt ${wasm_opt_version}, $(chromium --version 2>/dev/null | head -n1)"
