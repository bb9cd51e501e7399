#!/usr/bin/env bash
# The fuzz gate (issue 10): builds every target with cargo fuzz (nightly, libFuzzer, ASan) and runs
# them side by side for FUZZ_SECONDS each (default 20) from the committed seed corpus
# (fuzz/corpus/<target>, read only: new inputs go to a temp dir). A crash, a panic, an assertion
# of a target, a leak, an OOM or a timeout fails the gate; libFuzzer leaves the input in
# fuzz/artifacts/<target>/ (reproduce: cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>).
#
#   bash fuzz/run.sh                        # every target, 20 s each, in parallel
#   FUZZ_SECONDS=600 bash fuzz/run.sh config document
#   bash fuzz/run.sh --prepare              # only install and build (tests/run.sh does this early)
#
# Needs a nightly toolchain and cargo-fuzz; installs both when missing (rustup, cargo install) and
# says how long that took. Not a member of the main workspace (its own [workspace] in Cargo.toml).
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-20}"
targets=("$@")
[ "${1:-}" = "--prepare" ] && targets=()
[ ${#targets[@]} -gt 0 ] || targets=(config document associate response)

if ! cargo +nightly --version >/dev/null 2>&1; then
    start=$(date +%s)
    rustup toolchain install nightly --profile minimal
    echo "nightly toolchain installed in $(($(date +%s) - start)) s"
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    start=$(date +%s)
    cargo install cargo-fuzz --locked
    echo "cargo-fuzz installed in $(($(date +%s) - start)) s"
fi

start=$(date +%s)
cargo +nightly fuzz build --release
echo "fuzz targets built in $(($(date +%s) - start)) s"
[ "${1:-}" = "--prepare" ] && exit 0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pids=()
for target in "${targets[@]}"; do
    mkdir -p "$work/$target"
    cargo +nightly fuzz run --release "$target" "$work/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 >"$work/$target.log" 2>&1 &
    pids+=($!)
done
status=0
for i in "${!targets[@]}"; do
    target="${targets[$i]}"
    log="$work/$target.log"
    if wait "${pids[$i]}"; then
        runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
        echo "fuzz $target: $runs executions in ${seconds} s, clean"
    else
        echo "fuzz $target: FAILED (input saved in fuzz/artifacts/$target/)" >&2
        tail -n 60 "$log" >&2
        status=1
    fi
done
exit $status
