#!/usr/bin/env bash
# Runs the PHP binding benchmark against a sandbox it starts (needs the release build and Debian's
# php-guzzlehttp-guzzle for the baseline).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
[ -f /usr/share/php/GuzzleHttp/autoload.php ] || { echo "needs Debian's php-guzzlehttp-guzzle for the baseline" >&2; exit 1; }
# shellcheck source=../../../tests/lib/sandbox.sh
. "$root/tests/lib/sandbox.sh"
start_sandbox
php "$root/bindings/php/bench/send_check.php"
