#!/usr/bin/env bash
# The in-browser benchmark (bench/run.mjs): generates deterministic files
# (user_import::sample: names with accents and apostrophes, mixed phone
# formats, quoted cells with commas, ~2% bad rows, ~1% duplicate emails),
# builds the release app and server, and measures the app against Papa
# Parse in headless Chromium. Arguments: row counts (default 100000 1000000),
# and `--rounds N`: checks of each file, a fresh page each (default 5).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

rounds=()
counts=()
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=(--rounds "${2:?--rounds needs a number}"); shift 2 ;;
        *) counts+=("$1"); shift ;;
    esac
done
[ ${#counts[@]} -gt 0 ] || counts=(100000 1000000)

bash scripts/setup.sh
trunk build --release
# Two commands: with --example, cargo builds only the named example of
# every package given, not portal-api's binary.
cargo build --release -p portal-api
cargo build --release -p user-import --example generate --example time_check

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
files=()
for n in "${counts[@]}"; do
    target/release/examples/generate "$n" "$WORK/users-$n.csv"
    files+=("$WORK/users-$n.csv")
done

# How fast each CPU is at the time, before and after: on a shared VM a
# core can run 1.5 times slower for a while (host contention), and a
# check runs on whichever core the browser's worker thread is on (README,
# "Benchmarks"). The native check of a 100,000-row file, best of three,
# pinned to each CPU in turn (the benchmark's own 100,000-row file when
# it has one).
probe="$WORK/users-100000.csv"
[ -f "$probe" ] || target/release/examples/generate 100000 "$probe"
cpu_speeds() {
    command -v taskset >/dev/null || return 0
    local line="" cpu best
    for ((cpu = 0; cpu < $(nproc); cpu++)); do
        best=$(taskset -c "$cpu" target/release/examples/time_check "$probe" 3 |
            awk 'NR > 1 { print $1 }' | sort -n | head -1)
        line+="  cpu $cpu: $best ms"
    done
    echo "$1: native check of 100,000 rows, best of 3, per CPU:$line"
}
cpu_speeds before
node bench/run.mjs "${rounds[@]}" "${files[@]}"
cpu_speeds after
