#!/usr/bin/env bash
# The PHP binding's PHPUnit suite on PHP 7.4 (Debian 11 chroot, PHPUnit 9.5) and PHP 8.4 (Debian 13
# chroot, PHPUnit 11.5), against the release package of dist/ with its prebuilt
# lib/libmodulpos.so (glibc >= 2.17; the host's cargo build needs 2.34, Debian 11 has 2.31). The
# host's PHP 8.2 runs the same suite in bindings/php/run-tests.sh.
#
#   bash tests/php-matrix/run.sh [bullseye] [trixie]       # default: both
#
# 1. dist/ must be current: built by scripts/dist.sh when missing (tests/run.sh runs tests/dist first);
#    an archive whose PHP sources differ from bindings/php is refused as stale;
# 2. the chroots come from chroots.sh (waits for the one tests/run.sh started in the background);
# 3. per version: a tree like the repository's (the unpacked Composer archive as bindings/php, with
#    the repository's bindings/php/tests and PHPUnit configs, include/, sql/outbox/; no target/, so
#    the library can only come from the package's lib/), a fresh sandbox (dist's binary, on the
#    host: a chroot shares the host's loopback), and PHPUnit inside the chroot, in a private mount
#    namespace (its /proc, a fresh /tmp and the tree vanish with it).
# Not in the chroots: the outbox worker test (it runs target/release/modulpos, built on the host
# for glibc 2.34; the worker is Rust, tested by the host's run) — it is skipped there, by name.
set -uo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
dir="${MODULPOS_CHROOT_DIR:-/var/cache/modulpos-chroots}"
releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(bullseye trixie)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "php-matrix: $*" >&2; exit 1; }
command -v unzip >/dev/null 2>&1 || { as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq unzip >/dev/null; }

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
dist="${DIST_DIR:-$root/dist}"
zip="$dist/modulpos-ffi-$version.zip"
sandbox_bin="$dist/modulpos-sandbox-$version-x86_64-unknown-linux-gnu"
[ -f "$zip" ] && [ -x "$sandbox_bin" ] || bash scripts/dist.sh || fail "scripts/dist.sh failed"

work="$(mktemp -d /tmp/modulpos-php-matrix.XXXXXX)"
trap 'rm -rf "$work"' EXIT
unzip -q "$zip" -d "$work/package"
# (The archive adds resources/outbox/, the one copy of sql/outbox/, and a version in composer.json.)
for part in src resources/modulpos_ffi.h autoload.php preload.php bin; do
    diff -r "$root/bindings/php/$part" "$work/package/$part" >/dev/null ||
        fail "$zip is stale: its $part differs from bindings/php/$part (run scripts/dist.sh)"
done

waited=$SECONDS
# tests/run.sh's background run (its log says how long making them took).
[ ! -f target/php-matrix-chroots.log ] || sed 's/^/background /' target/php-matrix-chroots.log
bash tests/php-matrix/chroots.sh "${releases[@]}" || fail "the chroots could not be made"
echo "chroots ready after $((SECONDS - waited)) s"

# A tree laid out like the repository, around the unpacked Composer archive.
tree="$work/tree"
mkdir -p "$tree/bindings" "$tree/include" "$tree/sql"
cp -a "$work/package" "$tree/bindings/php"
# The repository's composer.json: the archive's has a "version" (for Composer's artifact repository),
# which ComposerPackageTest's `composer validate --strict` of the source package rightly warns about.
cp -a "$root/bindings/php/tests" "$root"/bindings/php/phpunit*.xml.dist "$root/bindings/php/composer.json" \
    "$tree/bindings/php/"
cp -a "$root/include/modulpos.h" "$tree/include/"
cp -a "$root/sql/outbox" "$tree/sql/"
chmod -R a+rX "$work"

# shellcheck source=../../scripts/sandbox.sh
. scripts/sandbox.sh

# run_version RELEASE: the suite in that chroot; prints PHPUnit's output and returns its status.
run_version() {
    local release="$1" chroot="$dir/$1" major config php_version
    php_version="$(as_root chroot "$chroot" php -r 'echo PHP_VERSION;')"
    major="$(as_root chroot "$chroot" phpunit --version | sed -n 's/^PHPUnit \([0-9]*\)\..*/\1/p')"
    # As bindings/php/run-tests.sh: PHPUnit 11 reads the same suites from phpunit11.xml.dist.
    # Skipped tests are listed with their reasons (--verbose, --display-skipped).
    config=(-c /modulpos/bindings/php/phpunit.xml.dist --verbose)
    [ "${major:-9}" -lt 11 ] || config=(-c /modulpos/bindings/php/phpunit11.xml.dist --display-skipped)
    echo "== PHP $php_version (Debian $(cat "$chroot/etc/debian_version")), PHPUnit $major, $(basename "${config[1]}")"
    MODULPOS_SANDBOX_BIN="$sandbox_bin" start_sandbox --queue-ms 50 --print-ms 50 || return 1
    # Stop this version's sandbox when the subshell ends (start_sandbox's trap), then the chroot run.
    as_root unshare --mount --propagation private -- sh -c '
        set -e
        chroot="$1"; tree="$2"; shift 2
        mount -t proc proc "$chroot/proc"
        mount -t tmpfs -o mode=1777 tmpfs "$chroot/tmp"
        mount --bind "$tree" "$chroot/modulpos"
        exec chroot "$chroot" "$@"
    ' matrix "$chroot" "$tree" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp LC_ALL=C.UTF-8 \
        "SANDBOX_ROOT=$SANDBOX_ROOT" "MODULPOS_TEST_BASE_URL=$MODULPOS_TEST_BASE_URL" \
        "MODULPOS_LOGIN=$MODULPOS_LOGIN" "MODULPOS_PASSWORD=$MODULPOS_PASSWORD" \
        "MODULPOS_RETAIL_POINT_UUID=$MODULPOS_RETAIL_POINT_UUID" \
        phpunit "${config[@]}"
}

failed=()
for release in "${releases[@]}"; do
    started=$SECONDS
    (run_version "$release") || failed+=("$release")
    echo "-- $release: $((SECONDS - started)) s"
done
[ ${#failed[@]} -eq 0 ] || fail "failed on: ${failed[*]}"
echo "php-matrix: the suite passed on ${releases[*]}"
