#!/usr/bin/env bash
# The FFI layer's unit tests under miri (issue 10 gates): every test in the `ffi::` modules
# (src/ffi/: NULL arguments, non-UTF-8 strings, envelopes handed out and freed, a handle created
# and freed, a host's answer copied out of its buffer, panics caught at the boundary). miri
# checks each pointer read, ownership transfer and free for undefined behaviour. Only those
# tests: miri cannot open sockets or call into C libraries, and is ~100x slower than native.
#
#   bash tests/miri/run.sh             # install nightly + miri when missing, then test
#   bash tests/miri/run.sh --prepare   # only install and build (tests/run.sh does this early)
#
# When miri cannot be installed (a nightly without it), this says so loudly and exits 77, which
# tests/run.sh reports as SKIPPED, never as passed.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! cargo +nightly --version >/dev/null 2>&1; then
    start=$(date +%s)
    rustup toolchain install nightly --profile minimal
    echo "nightly toolchain installed in $(($(date +%s) - start)) s"
fi
if ! cargo +nightly miri --version >/dev/null 2>&1; then
    start=$(date +%s)
    if ! rustup component add miri rust-src --toolchain nightly; then
        echo "!!!! miri CANNOT BE INSTALLED on this nightly: the FFI layer was NOT checked under miri !!!!" >&2
        exit 77
    fi
    echo "miri installed in $(($(date +%s) - start)) s"
fi

start=$(date +%s)
cargo +nightly miri setup
cargo +nightly miri test --lib --no-run
echo "built for miri in $(($(date +%s) - start)) s"
[ "${1:-}" = "--prepare" ] && exit 0
cargo +nightly miri test --lib -- ffi::
