#!/usr/bin/env bash
# Runs the PHP binding's PHPUnit suite against a fresh modulpos-sandbox.
#
# Expects the library and the sandbox built (cargo build --release --workspace). Starts
# target/release/modulpos-sandbox on a free loopback port (fast lifecycle: --queue-ms 50 --print-ms 50),
# exports MODULPOS_TEST_BASE_URL, SANDBOX_ROOT, MODULPOS_LOGIN, MODULPOS_PASSWORD and
# MODULPOS_RETAIL_POINT_UUID, runs phpunit, stops the sandbox on exit, and exits with phpunit's code.
# Extra arguments go to phpunit (e.g. --filter SoakTest).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

command -v phpunit >/dev/null 2>&1 || { echo "phpunit not found (Debian: apt-get install phpunit)" >&2; exit 1; }
php -r 'exit(extension_loaded("FFI") ? 0 : 1);' || { echo "php has no FFI extension (Debian: php8.2-cli ships it)" >&2; exit 1; }

# shellcheck source=../../scripts/sandbox.sh
. "$root/scripts/sandbox.sh"
start_sandbox --queue-ms 50 --print-ms 50 || exit 1
echo "sandbox: $SANDBOX_ROOT"

# PHPUnit 9 (Debian 11, 12) reads phpunit.xml.dist; 11 and later (Debian 13) phpunit11.xml.dist,
# the same suites in the schema PHPUnit 10 introduced. tests/php-matrix runs both.
major="$(phpunit --version | sed -n 's/^PHPUnit \([0-9]*\)\..*/\1/p')"
case "$major" in
    9) config="$here/phpunit.xml.dist" ;;
    1[1-9]) config="$here/phpunit11.xml.dist" ;;
    *) echo "PHPUnit ${major:-?} is not supported: use 9 (phpunit.xml.dist) or 11 and later (phpunit11.xml.dist)" >&2; exit 1 ;;
esac
phpunit -c "$config" "$@"
exit $?
