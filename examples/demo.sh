#!/usr/bin/env bash
# The README's demo: builds the library and the sandbox, starts the sandbox, and runs the PHP example that
# associates a retail point, sends a receipt, follows its status to the end and asks the service status.
# Installs php-cli from Debian when it is missing. The sandbox is stopped when the demo ends.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v php >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing php-cli (Debian) ..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends php-cli >/dev/null
fi

echo "building the library and the sandbox (release) ..."
cargo build --release --workspace --locked --quiet

# shellcheck source=scripts/sandbox.sh
. scripts/sandbox.sh
start_sandbox --queue-ms 700 --print-ms 700
echo "sandbox: $MODULPOS_TEST_BASE_URL"
echo
php bindings/php/examples/demo.php
