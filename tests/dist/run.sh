#!/usr/bin/env bash
# The release artifacts, as a shop and a C developer get them (issue 8):
#   1. builds dist/ with scripts/dist.sh (skipped with DIST_DIR=an existing dist/),
#   2. SHA256SUMS verify; the shipped libraries and the sandbox need at most GLIBC_2.17
#      (objdump -T); the C SDK's library has SONAME libmodulpos.so.0 (readelf -d),
#   3. starts the shipped sandbox binary,
#   4. installs the Composer archive through an `artifact` repository into a fresh project in a
#      temp dir, with no cargo on PATH and no target/ in reach, and runs the binding's
#      OriginalReadmeTest there with Debian's phpunit (tests/dist/bootstrap.php points it at the
#      installed package); the library must come from the package's own lib/, the classes from
#      its src/, and the outbox schema from its resources/outbox/ (a copy of sql/outbox/, the
#      only one in the repository),
#   5. installs the C SDK with PREFIX=<temp>, compiles the C example with
#      `pkg-config --cflags --libs modulpos` (and once against libmodulpos.a) and runs it.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
need=()
php -r 'exit(extension_loaded("zip") ? 0 : 1);' || need+=(php-zip) # Composer reads artifact archives with it
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v composer >/dev/null 2>&1 || need+=(composer)
command -v phpunit >/dev/null 2>&1 || need+=(phpunit)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v objdump >/dev/null 2>&1 || need+=(binutils)
if [ ${#need[@]} -gt 0 ]; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ -z "${DIST_DIR:-}" ]; then
    bash scripts/dist.sh
    DIST_DIR="$root/dist"
fi
dist="$(cd "$DIST_DIR" && pwd)"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
work="$(mktemp -d /tmp/modulpos-dist-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

echo "== checksums"
(cd "$dist" && sha256sum -c --quiet SHA256SUMS) || fail "SHA256SUMS do not match"

echo "== glibc baseline and SONAME"
unzip -q "$dist/modulpos-ffi-$version.zip" -d "$work/package"
tar -C "$work" -xzf "$dist/modulpos-sdk-$version-x86_64-unknown-linux-gnu.tar.gz"
sdk="$work/modulpos-sdk-$version-x86_64-unknown-linux-gnu"
sandbox_bin="$dist/modulpos-sandbox-$version-x86_64-unknown-linux-gnu"
for binary in "$work/package/lib/libmodulpos.so" "$sdk/lib/libmodulpos.so.$version" "$sandbox_bin"; do
    newest="$(objdump -T "$binary" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)"
    [ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -n1)" = "2.17" ] ||
        fail "$(basename "$binary") needs GLIBC_$newest, more than 2.17"
    echo "$(basename "$binary"): newest glibc symbol version GLIBC_$newest"
done
readelf -d "$sdk/lib/libmodulpos.so.$version" | grep 'SONAME' | tee -a /dev/stderr | grep -q '\[libmodulpos.so.0\]' ||
    fail "no SONAME libmodulpos.so.0"

echo "== the outbox schema in the Composer archive"
for file in sqlite.sql mysql.sql postgres.sql; do
    cmp "sql/outbox/$file" "$work/package/resources/outbox/$file" ||
        fail "the archive's resources/outbox/$file is not sql/outbox/$file"
done
echo "resources/outbox/ holds sql/outbox/'s sqlite.sql, mysql.sql, postgres.sql"

echo "== the shipped sandbox"
# shellcheck source=scripts/sandbox.sh
. scripts/sandbox.sh
MODULPOS_SANDBOX_BIN="$sandbox_bin" start_sandbox --queue-ms 20 --print-ms 20
# start_sandbox set its own EXIT trap: stop the sandbox and remove the temp dir, both.
trap 'kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
echo "sandbox at $SANDBOX_ROOT"

echo "== Composer install from an artifact repository, without Rust"
shop="$work/shop"
mkdir -p "$shop/artifacts"
cp "$dist/modulpos-ffi-$version.zip" "$shop/artifacts/"
cat >"$shop/composer.json" <<EOF
{
    "name": "shop/site",
    "repositories": [{"packagist.org": false}, {"type": "artifact", "url": "artifacts/"}],
    "require": {"modulpos/modulpos-ffi": "^$version"}
}
EOF
# A PATH with the system's directories only: no ~/.cargo/bin, no rustup.
clean_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
no_rust=(env -i "PATH=$clean_path" "HOME=$work/home" "COMPOSER_HOME=$work/composer-home"
    COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_DISABLE_NETWORK=1
    "MODULPOS_LOGIN=$MODULPOS_LOGIN" "MODULPOS_PASSWORD=$MODULPOS_PASSWORD"
    "MODULPOS_RETAIL_POINT_UUID=$MODULPOS_RETAIL_POINT_UUID" "MODULPOS_TEST_BASE_URL=$MODULPOS_TEST_BASE_URL")
if "${no_rust[@]}" sh -c 'command -v cargo || command -v rustc'; then
    fail "cargo is on the clean PATH; the test cannot show an install without Rust"
fi
(cd "$shop" && "${no_rust[@]}" composer install --no-interaction --no-progress 2>&1) || fail "composer install"
installed="$shop/vendor/modulpos/modulpos-ffi"
[ -f "$installed/lib/libmodulpos.so" ] || fail "the installed package has no lib/libmodulpos.so"
for up in "$installed" "$installed/.." "$installed/../.." "$installed/../../.."; do
    [ ! -e "$up/target" ] || fail "$up/target exists: the lookup could find a Cargo build"
done
# The original README scenario: the binding's own PHPUnit test, run by Debian's phpunit against
# the installed package (the bootstrap loads the project's autoloader, not the checkout's).
report="$work/report.txt"
(cd "$shop" && "${no_rust[@]}" "SANDBOX_ROOT=$SANDBOX_ROOT" "MODULPOS_DIST_AUTOLOAD=$shop/vendor/autoload.php" \
    "MODULPOS_DIST_REPORT=$report" phpunit --no-configuration --bootstrap "$root/tests/dist/bootstrap.php" \
    --fail-on-risky --fail-on-warning --fail-on-skipped --disallow-test-output --do-not-cache-result \
    "$root/bindings/php/tests/Binding/OriginalReadmeTest.php") || fail "OriginalReadmeTest in the Composer project"
cat "$report"
grep -qx "library: $(realpath "$installed/lib/libmodulpos.so")\|library: $installed/lib/libmodulpos.so" "$report" ||
    fail "the library did not come from the package's lib/"
grep -qx "classes: $(realpath "$installed/src")\|classes: $installed/src" "$report" ||
    fail "the classes did not come from the installed package's src/"
grep -qx "outbox schema statements: [1-9][0-9]*" "$report" ||
    fail "Outbox found no schema in the installed package"

echo "== C SDK: install with PREFIX, build the example with pkg-config"
prefix="$work/prefix"
PREFIX="$prefix" sh "$sdk/install.sh"
[ "$(readlink "$prefix/lib/libmodulpos.so")" = "libmodulpos.so.0" ] &&
    [ "$(readlink "$prefix/lib/libmodulpos.so.0")" = "libmodulpos.so.$version" ] || fail "SDK symlinks"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion modulpos)" = "$version" ] || fail "pkg-config --modversion"
example="$prefix/share/modulpos/examples/send_receipt.c"
# The example takes association credentials: associate the sandbox's point (as a shop does once).
association="$(php -r '
    $context = stream_context_create(["http" => ["method" => "POST", "header" => "Authorization: Basic " . base64_encode($argv[2] . ":" . $argv[3])]]);
    $answer = json_decode((string) file_get_contents($argv[1], false, $context), true);
    echo $answer["userName"], " ", $answer["password"];
' "$MODULPOS_TEST_BASE_URL/v1/associate/$MODULPOS_RETAIL_POINT_UUID" "$MODULPOS_LOGIN" "$MODULPOS_PASSWORD")"
read -r association_login association_password <<<"$association"
# shellcheck disable=SC2046 # pkg-config's output is a list of flags
cc -std=c11 -Wall -Wextra -Werror "$example" $(pkg-config --cflags --libs modulpos) -o "$work/send_receipt"
readelf -d "$work/send_receipt" | grep -q 'NEEDED.*\[libmodulpos.so.0\]' || fail "the example does not need libmodulpos.so.0 by its SONAME"
LD_LIBRARY_PATH="$prefix/lib" "$work/send_receipt" "$association_login" "$association_password" ||
    fail "the C example (shared) against the sandbox"
# The static library with the system libraries pkg-config lists for it.
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$example" $(pkg-config --cflags modulpos) "$prefix/lib/libmodulpos.a" \
    $(pkg-config --static --libs-only-l modulpos | sed 's/-lmodulpos//') -o "$work/send_receipt_static"
! readelf -d "$work/send_receipt_static" | grep -q 'libmodulpos' || fail "the static example still needs libmodulpos.so"
"$work/send_receipt_static" "$association_login" "$association_password" || fail "the C example (static) against the sandbox"

echo "dist: all checks passed"
