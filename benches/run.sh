#!/usr/bin/env bash
# The benchmark (benches/README.md): client CPU per call, as ratios against baselines run side by
# side, against the sandbox binary on loopback:
#   1. Rust (benches/library.rs): mk_send_check vs bare ureq vs a raw socket; mk_status likewise;
#      mk_validate vs a plain serde_json parse; RSS over many calls;
#   2. PHP (benches/php_binding.php): sendCheck / getStatusDocumentById vs a hand-written ext-curl
#      request and vs Guzzle as the original package uses it; RSS over many calls.
# Not part of tests/run.sh. BENCH_CALLS (default 2000 calls per arm and round) and BENCH_RSS_CALLS
# (default 100000) scale it; BENCH_CALLS=20 BENCH_RSS_CALLS=200 is a smoke run of a few seconds.
# Needs Debian's php-cli (with FFI), php-curl and php-guzzlehttp-guzzle; installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v php >/dev/null 2>&1 || need+=(php-cli)
command -v php >/dev/null 2>&1 && php -r 'exit(function_exists("curl_init") ? 0 : 1);' || need+=(php-curl)
[ -f /usr/share/php/GuzzleHttp/autoload.php ] || need+=(php-guzzlehttp-guzzle)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cargo build --release --workspace --locked
cargo build --release --locked --bench library

# shellcheck source=../scripts/sandbox.sh
. scripts/sandbox.sh
start_sandbox
cargo bench --locked --bench library
php benches/php_binding.php
