#!/usr/bin/env bash
# The C ABI test (tests/c/test_abi.c) built with AddressSanitizer and UndefinedBehaviorSanitizer
# (LeakSanitizer included) and run against a sandbox: the anchors' regime besides valgrind
# (tests/c/run.sh). The Rust library is the normal release cdylib: ASan in the program intercepts
# malloc/free, so the library's allocations, frees and the strings it hands out are checked too
# (an envelope the program never frees is reported as a leak in modulpos::ffi). Any report fails
# the run.
#
#   bash tests/c/run_sanitizers.sh
#   SANITIZER_CC=clang bash tests/c/run_sanitizers.sh
#
# Uses Debian's gcc (its libasan/libubsan come with it); installs gcc when the compiler or its
# sanitizer runtime is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

lib_dir="target/release"
build_dir="tests/c/build"
cc_bin="${SANITIZER_CC:-cc}"
mkdir -p "$build_dir"

sanitizers_work() {
    command -v "$cc_bin" >/dev/null 2>&1 &&
        echo 'int main(void){return 0;}' |
        "$cc_bin" -x c -fsanitize=address,undefined -o "$build_dir/probe" - 2>/dev/null
}
if ! sanitizers_work; then
    echo "installing a C compiler with ASan/UBSan runtimes (gcc)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null
    sanitizers_work || { echo "$cc_bin cannot build with -fsanitize=address,undefined" >&2; exit 1; }
fi

cargo build --release -p modulpos -p modulpos-sandbox --quiet
"$cc_bin" -std=c11 -Wall -Wextra -Werror -g -O1 -pthread \
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
    -I include tests/c/test_abi.c \
    -L "$lib_dir" -Wl,-rpath,"$PWD/$lib_dir" -lmodulpos \
    -o "$build_dir/test_abi_asan"

# shellcheck source=scripts/sandbox.sh
. scripts/sandbox.sh
MODULPOS_SANDBOX_BIN="$lib_dir/modulpos-sandbox" start_sandbox --queue-ms 20 --print-ms 20
echo "sandbox at $MODULPOS_TEST_BASE_URL"

ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$build_dir/test_abi_asan"
