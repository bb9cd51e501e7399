#!/usr/bin/env bash
# Build tests/c/test_abi.c against include/modulpos.h, link it to the cdylib, check the header
# from C++ too (tests/c/cpp_smoke.cpp), start a sandbox,
# and run the program under valgrind (zero errors, zero definite/indirect leaks) — the C ABI
# proven by a real C compiler. Ends with "C ABI: N passed, M failed"; exit code 0 only if all
# passed and valgrind was clean.
#
#   bash tests/c/run.sh                 # release build (as tests/run.sh makes)
#   PROFILE=debug bash tests/c/run.sh   # debug build
#   VALGRIND=0 bash tests/c/run.sh      # without valgrind
set -euo pipefail
cd "$(dirname "$0")/../.."

profile="${PROFILE:-release}"
case "$profile" in
    release) cargo_flag=(--release) ;;
    debug) cargo_flag=() ;;
    *) echo "PROFILE must be release or debug" >&2; exit 2 ;;
esac
lib_dir="target/$profile"
build_dir="tests/c/build"

cargo build "${cargo_flag[@]}" -p modulpos -p modulpos-sandbox --quiet
mkdir -p "$build_dir"
cc -std=c11 -Wall -Wextra -Werror -Wpedantic -g -O1 -pthread \
    -I include tests/c/test_abi.c \
    -L "$lib_dir" -Wl,-rpath,"$PWD/$lib_dir" -lmodulpos \
    -o "$build_dir/test_abi"
# The same header from C++ (extern "C" guard), with unique_ptr ownership.
c++ -std=c++17 -Wall -Wextra -Werror -g -O1 \
    -I include tests/c/cpp_smoke.cpp \
    -L "$lib_dir" -Wl,-rpath,"$PWD/$lib_dir" -lmodulpos \
    -o "$build_dir/cpp_smoke"
"$build_dir/cpp_smoke"

# shellcheck source=scripts/sandbox.sh
. scripts/sandbox.sh
MODULPOS_SANDBOX_BIN="$lib_dir/modulpos-sandbox" start_sandbox --queue-ms 20 --print-ms 20
echo "sandbox at $MODULPOS_TEST_BASE_URL"

if [ "${VALGRIND:-1}" = "0" ]; then
    "$build_dir/test_abi"
else
    valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --error-exitcode=1 \
        "$build_dir/test_abi"
fi
