#!/usr/bin/env bash
# Makes the Debian chroots of the PHP version matrix (tests/php-matrix/run.sh), or completes them:
#
#   bullseye (Debian 11): PHP 7.4, PHPUnit 9.5      trixie (Debian 13): PHP 8.4, PHPUnit 11.5
#
#   bash tests/php-matrix/chroots.sh [bullseye] [trixie]     # default: both
#
# Each gets what the PHP suite uses: php-cli (its FFI is in phpX.Y-common, enabled by default),
# PDO SQLite, curl, PHPUnit, psr/log, Guzzle, Composer, a C compiler and valgrind. Debian 11 has
# no Guzzle package: it gets Debian 12's Guzzle 7 (architecture all, PHP >= 7.2.5), fetched with
# the host's `apt-get download`, as a shop on PHP 7.4 gets Guzzle 7 from Composer.
#
# They live in $MODULPOS_CHROOT_DIR (default /var/cache/modulpos-chroots), one directory each; a
# chroot whose marker file lists the same packages is reused as it is, one with other packages gets
# the missing ones by apt-get inside it, and a missing one is made by `debootstrap
# --variant=minbase` (both at once; each takes minutes, mostly downloads). The script holds an
# exclusive lock on $MODULPOS_CHROOT_DIR/.lock while it works: tests/run.sh starts it in the
# background before the build, and run.sh calls it again, which waits for that lock and then
# finds the chroots ready. Needs root (or sudo) and Debian's mirror.
set -euo pipefail
cd "$(dirname "$0")/../.."

dir="${MODULPOS_CHROOT_DIR:-/var/cache/modulpos-chroots}"
mirror="${MODULPOS_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# What the suite needs from Debian in each chroot (also the marker's content).
common=(phpunit php-psr-log composer gcc libc6-dev valgrind)
bullseye_packages=(php7.4-cli php7.4-sqlite3 php7.4-curl "${common[@]}")
trixie_packages=(php8.4-cli php8.4-sqlite3 php8.4-curl php-guzzlehttp-guzzle "${common[@]}")
# Debian 12's Guzzle and its dependencies, into the Debian 11 chroot (all of them architecture all).
guzzle_from_host=(php-guzzlehttp-guzzle php-guzzlehttp-promises php-guzzlehttp-psr7 php-psr-http-client
    php-psr-http-factory php-psr-http-message php-symfony-deprecation-contracts php-getallheaders)

log() { printf 'chroots: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# Waits for another apt/dpkg on the host (tests/run.sh installs packages meanwhile) instead of failing.
host_apt() { DEBIAN_FRONTEND=noninteractive as_root apt-get -o DPkg::Lock::Timeout=600 "$@"; }
in_chroot() {
    local root="$1"
    shift
    as_root chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"
}

packages_of() {
    case "$1" in
        bullseye) printf '%s\n' "${bullseye_packages[@]}" ;;
        trixie) printf '%s\n' "${trixie_packages[@]}" ;;
        *) log "unknown release $1 (bullseye or trixie)"; return 1 ;;
    esac
}

# The marker: the packages asked for, plus Debian 12's Guzzle for bullseye.
wanted_marker() {
    packages_of "$1"
    [ "$1" != bullseye ] || printf 'host:%s\n' "${guzzle_from_host[@]}"
}

install_host_guzzle() {
    local root="$1" debs
    debs="$root/tmp/modulpos-host-debs"
    rm -rf "$debs"
    mkdir -p "$debs"
    if ! (cd "$debs" && apt-get download "${guzzle_from_host[@]}" >/dev/null 2>&1); then
        host_apt update -qq
        (cd "$debs" && apt-get download "${guzzle_from_host[@]}" >/dev/null) || return 1
    fi
    in_chroot "$root" sh -c 'dpkg -i /tmp/modulpos-host-debs/*.deb >/dev/null' || return 1
    rm -rf "$debs"
}

# Makes or completes one chroot; prints nothing on success but its log lines.
prepare() {
    local release="$1" target="$dir/$1" marker packages started
    marker="$dir/$1/.modulpos-packages"
    mapfile -t packages < <(packages_of "$release")
    if [ -f "$marker" ] && [ "$(cat "$marker")" = "$(wanted_marker "$release")" ]; then
        log "$release: ready ($target)"
        return 0
    fi
    started=$SECONDS
    if [ -x "$target/usr/bin/apt-get" ] && [ -f "$target/etc/debian_version" ]; then
        log "$release: adding packages to the existing chroot"
        in_chroot "$target" apt-get update -qq >/dev/null &&
            in_chroot "$target" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null ||
            { log "$release: apt-get in the chroot failed; making it anew"; as_root rm -rf "$target"; }
    fi
    if [ ! -x "$target/usr/bin/apt-get" ]; then
        log "$release: debootstrap --variant=minbase (${packages[*]})"
        as_root rm -rf "$target.new"
        if ! as_root debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
            "$release" "$target.new" "$mirror" >"$dir/$release.debootstrap.log" 2>&1; then
            log "$release: debootstrap failed; the end of $dir/$release.debootstrap.log:"
            tail -n 20 "$dir/$release.debootstrap.log" >&2
            return 1
        fi
        as_root mv "$target.new" "$target"
    fi
    if [ "$release" = bullseye ]; then
        install_host_guzzle "$target" || { log "$release: could not add Debian 12's Guzzle"; return 1; }
    fi
    as_root mkdir -p "$target/modulpos"
    wanted_marker "$release" | as_root tee "$marker" >/dev/null
    log "$release: ready in $((SECONDS - started)) s ($target)"
}

releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(bullseye trixie)
as_root mkdir -p "$dir"
exec {lock}>>"$dir/.lock"
if ! flock -n "$lock"; then
    log "waiting for another chroots.sh (lock $dir/.lock)"
    waited=$SECONDS
    flock "$lock"
    log "waited $((SECONDS - waited)) s"
fi
command -v debootstrap >/dev/null 2>&1 || { host_apt update -qq && host_apt install -y -qq --no-install-recommends debootstrap >/dev/null; }

pids=()
for release in "${releases[@]}"; do
    prepare "$release" &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
exit $status
