#!/usr/bin/env bash
# The one command that runs every test of the project (README "Quick start"; .ci/run calls it):
#   1. installs what is missing (Debian: php-cli with FFI, phpunit, composer, php-psr-log, valgrind, a C compiler),
#   2. builds the library and the sandbox (release),
#   3. runs the Rust tests (library, sandbox, integration against the in-process sandbox),
#   4. checks the committed headers (include/modulpos.h, bindings/php/resources/modulpos_ffi.h) are what
#      `cargo xtask headers` generates from src/ffi/,
#   5. runs the C ABI test under valgrind and under ASan + UBSan, the Python ctypes test and the PHP test
#      suite, each against a sandbox it starts and stops itself,
#   6. runs the benchmark (benches/run.sh) for 3 calls per arm: a smoke run, not a measurement,
#   7. runs the outbox suite on throwaway PostgreSQL and MariaDB servers it installs and starts,
#   8. the nightly gates (issue 10): every fuzz target briefly from the committed seed corpus
#      (fuzz/run.sh) and the FFI layer's unit tests under miri (tests/miri/run.sh). Their installs
#      and builds (nightly, cargo-fuzz, miri) run at nice 19 in the background from the start, so
#      they mostly overlap the suites that wait on sandboxes and servers.
#   9. runs the PHP suite on PHP 7.4 and 8.4 in Debian chroots, made in the background from the start.
# Every suite runs even when an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==== %s\n' "$*"; }

install_missing() {
    local need=()
    command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
    command -v c++ >/dev/null 2>&1 || need+=(g++)
    command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
    command -v python3 >/dev/null 2>&1 || need+=(python3)
    command -v php >/dev/null 2>&1 || need+=(php-cli)
    command -v phpunit >/dev/null 2>&1 || need+=(phpunit)
    command -v composer >/dev/null 2>&1 || need+=(composer) # the PHP test that installs the package with Composer
    [ -f /usr/share/php/GuzzleHttp/autoload.php ] || need+=(php-guzzlehttp-guzzle) # a shop's Guzzle client as transport
    # psr/log for the PHP audit-trail test (the binding itself works without it)
    [ -f /usr/share/php/Psr/Log/LoggerInterface.php ] || need+=(php-psr-log)
    command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap) # the PHP 7.4 / 8.4 chroots (tests/php-matrix)
    [ ${#need[@]} -eq 0 ] && return 0
    step "installing ${need[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

passed=()
failed=()
skipped=()
run_suite() {
    local name="$1"
    shift
    step "$name"
    "$@"
    case $? in
        0) passed+=("$name") ;;
        77) skipped+=("$name") ;; # the suite said loudly why it could not run
        *) failed+=("$name") ;;
    esac
}

install_missing || { echo "could not install the test dependencies" >&2; exit 1; }
php -r 'exit(extension_loaded("FFI") ? 0 : 1);' 2>/dev/null || { echo "php has no FFI extension (Debian: php8.2-cli ships it)" >&2; exit 1; }

# The Debian 11 / 13 chroots of the PHP version matrix take minutes, mostly downloads: made in the
# background meanwhile (tests/php-matrix/chroots.sh; its suite below waits for them).
mkdir -p target
bash tests/php-matrix/chroots.sh >target/php-matrix-chroots.log 2>&1 &
chroots_pid=$!

step "build (release): library + sandbox"
cargo build --release --workspace --locked || exit 1

# Nothing the suites below build is needed here; the suites redo whatever this did not finish.
mkdir -p target
(nice -n 19 bash fuzz/run.sh --prepare && nice -n 19 bash tests/miri/run.sh --prepare) \
    >target/nightly-gates-prepare.log 2>&1 &
nightly_prepare=$!

run_suite "generated headers are current (cargo xtask headers --check)" cargo xtask headers --check
run_suite "rust-version covers the locked dependencies (cargo xtask msrv)" cargo xtask msrv
run_suite "Rust tests (library, sandbox, integration)" cargo test --release --workspace --locked --no-fail-fast
run_suite "sandbox from cargo install" bash tests/sandbox_install.sh
run_suite "C ABI under valgrind" bash tests/c/run.sh
run_suite "C ABI under AddressSanitizer + UndefinedBehaviorSanitizer" bash tests/c/run_sanitizers.sh
run_suite "Python ctypes" bash tests/python/run.sh
run_suite "PHP binding (PHPUnit)" bash bindings/php/run-tests.sh
run_suite "release artifacts (dist/: glibc 2.17, Composer without Rust, C SDK)" bash tests/dist/run.sh
run_suite "PHP 7.4 and 8.4 (Debian 11 / 13 chroots, PHPUnit on dist's library)" bash tests/php-matrix/run.sh
# Not the benchmark: 3 calls per arm, so it cannot rot unnoticed (about a minute, mostly its build).
run_suite "benchmark smoke run (benches/run.sh, 3 calls per arm)" env BENCH_CALLS=3 BENCH_RSS_CALLS=20 bash benches/run.sh
run_suite "PHP-FPM (real master, FastCGI; preload and ffi.enable=true)" bash tests/fpm/run.sh
run_suite "Outbox on SQLite, MariaDB, PostgreSQL (worker, PHP, chaos)" bash tests/outbox/run.sh

step "waiting for the nightly gates' installs and builds (target/nightly-gates-prepare.log)"
wait "$nightly_prepare" || echo "they did not finish cleanly; the suites below retry them"
run_suite "fuzz smoke (fuzz/run.sh: every target ${FUZZ_SECONDS:-20} s from the seed corpus)" bash fuzz/run.sh
run_suite "miri: the FFI layer's unit tests (tests/miri/run.sh)" bash tests/miri/run.sh

wait "$chroots_pid" 2>/dev/null
step "summary"
for s in "${passed[@]}"; do echo "  ok      $s"; done
for s in "${skipped[@]}"; do echo "  SKIPPED $s (it could not run here: see its output above)"; done
for s in "${failed[@]}"; do echo "  FAILED  $s"; done
echo "suites: ${#passed[@]} passed, ${#skipped[@]} skipped, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
