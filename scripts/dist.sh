#!/usr/bin/env bash
# Builds the release artifacts into dist/ (docs/release.md):
#
#   bash scripts/dist.sh
#
#   dist/modulpos-ffi-VERSION.zip                  Composer package of bindings/php with the prebuilt
#                                                  lib/libmodulpos.so (linux x86_64, glibc >= 2.17)
#   dist/modulpos-sdk-VERSION-x86_64-linux-gnu.tar.gz
#                                                  C SDK: include/modulpos.h, lib/libmodulpos.so.VERSION
#                                                  (SONAME libmodulpos.so.0) + symlinks, lib/libmodulpos.a,
#                                                  lib/pkgconfig/modulpos.pc, the C example, install.sh
#   dist/modulpos-sandbox-VERSION-x86_64-linux-gnu the sandbox binary (glibc >= 2.17)
#   dist/SHA256SUMS
#
# The libraries are built with `cargo zigbuild --target x86_64-unknown-linux-gnu.2.17`: zig links
# against glibc 2.17's symbol versions, so the library loads on CentOS 7, RHEL 8, Debian 11, ...
# (the host target, so no `rustup target add` is needed). zig and cargo-zigbuild come from PyPI
# (`ziglang`, `cargo-zigbuild`: prebuilt wheels) into a venv under $MODULPOS_TOOLS_DIR
# (default ~/.cache/modulpos-tools), reused when present. The build refuses to finish if the
# library needs a glibc symbol newer than 2.17 or lacks its SONAME.
#
# musl (Alpine) is not built: it needs `rustup target add x86_64-unknown-linux-musl`, a download.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

target=x86_64-unknown-linux-gnu
glibc=2.17
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
major="${version%%.*}"
soname="libmodulpos.so.$major"
out="$root/dist"
tools="${MODULPOS_TOOLS_DIR:-$HOME/.cache/modulpos-tools}"

log() { printf 'dist: %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_debian_packages() {
    local missing=() pkg
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# zig + cargo-zigbuild: already on PATH, or from PyPI into our venv.
ensure_zigbuild() {
    have() { command -v cargo-zigbuild >/dev/null 2>&1 && { command -v zig >/dev/null 2>&1 || python3 -m ziglang version >/dev/null 2>&1; }; }
    have && return 0
    export PATH="$tools/venv/bin:$PATH"
    have && return 0
    command -v python3 >/dev/null 2>&1 || need_debian_packages python3
    python3 -c 'import ensurepip' >/dev/null 2>&1 || need_debian_packages python3-venv
    log "installing ziglang and cargo-zigbuild from PyPI into $tools/venv"
    rm -rf "$tools/venv"
    mkdir -p "$tools"
    python3 -m venv "$tools/venv"
    "$tools/venv/bin/pip" install --quiet --disable-pip-version-check ziglang cargo-zigbuild
    have
}

command -v zip >/dev/null 2>&1 || need_debian_packages zip
command -v objdump >/dev/null 2>&1 || need_debian_packages binutils
ensure_zigbuild
log "cargo-zigbuild $(cargo-zigbuild --version 2>/dev/null | awk '{print $2}'), target $target.$glibc"

# The SONAME goes on the cdylib only (target-specific rustflags do not reach build scripts).
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=-Wl,-soname,$soname"
cargo zigbuild --release --locked --lib -p modulpos --target "$target.$glibc"
cargo zigbuild --release --locked --bin modulpos-sandbox -p modulpos-sandbox --target "$target.$glibc"
built="$root/target/$target/release"

# The checks the release promises (tests/dist assert them again on the artifacts).
max_glibc() { objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1; }
for binary in "$built/libmodulpos.so" "$built/modulpos-sandbox"; do
    needs="$(max_glibc "$binary")"
    if [ "$(printf '%s\n%s\n' "$needs" "$glibc" | sort -V | tail -n1)" != "$glibc" ]; then
        log "$binary needs GLIBC_$needs, more than $glibc"
        exit 1
    fi
    log "$(basename "$binary"): needs at most GLIBC_$needs"
done
readelf -d "$built/libmodulpos.so" | grep -q "Library soname: \[$soname\]" ||
    { log "libmodulpos.so has no SONAME $soname"; exit 1; }

rm -rf "$out"
mkdir -p "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# --- Composer package: bindings/php as committed (git ls-files), plus lib/ and a version. ---
package="$stage/modulpos-ffi"
mkdir -p "$package/lib"
(cd bindings/php && git ls-files -z . | xargs -0 cp --parents -t "$package")
rm -rf "$package/tests" "$package/bench" "$package/phpunit.xml.dist" "$package/run-tests.sh"
cp LICENSE NOTICE CHANGELOG.md "$package/"
# The outbox schema has one copy, sql/outbox/; the package carries it where Outbox looks first.
mkdir -p "$package/resources/outbox"
cp sql/outbox/*.sql sql/outbox/README.md "$package/resources/outbox/"
install -m 0755 "$built/libmodulpos.so" "$package/lib/libmodulpos.so"
# Composer's artifact repository reads the version from the archive's composer.json.
php -r '
    $file = $argv[1];
    $json = json_decode(file_get_contents($file), true, 512, JSON_THROW_ON_ERROR);
    $json = ["name" => $json["name"], "version" => $argv[2]] + $json;
    unset($json["autoload-dev"], $json["scripts"]["test"]);
    if (empty($json["scripts"])) { unset($json["scripts"]); }
    file_put_contents($file, json_encode($json, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
' "$package/composer.json" "$version"
(cd "$package" && find . -exec touch -d "@${SOURCE_DATE_EPOCH:-0}" {} + && zip -qrX "$out/modulpos-ffi-$version.zip" .)

# --- C SDK. ---
sdk_name="modulpos-sdk-$version-$target"
sdk="$stage/$sdk_name"
mkdir -p "$sdk/include" "$sdk/lib/pkgconfig" "$sdk/share/modulpos/examples"
cp include/modulpos.h "$sdk/include/"
install -m 0755 "$built/libmodulpos.so" "$sdk/lib/libmodulpos.so.$version"
ln -s "libmodulpos.so.$version" "$sdk/lib/$soname"
ln -s "$soname" "$sdk/lib/libmodulpos.so"
install -m 0644 "$built/libmodulpos.a" "$sdk/lib/libmodulpos.a"
cp examples/c/send_receipt.c "$sdk/share/modulpos/examples/"
cp LICENSE NOTICE CHANGELOG.md "$sdk/"
# Static linking needs the libraries the Rust standard library uses.
cat >"$sdk/lib/pkgconfig/modulpos.pc.in" <<EOF
prefix=@PREFIX@
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: modulpos
Description: Modul.Kassa fiscalization API client (C ABI)
Version: $version
Libs: -L\${libdir} -lmodulpos
Libs.private: -lpthread -ldl -lm -lgcc_s -lc
Cflags: -I\${includedir}
EOF
cat >"$sdk/install.sh" <<'EOF'
#!/bin/sh
# Installs the modulpos C SDK under $PREFIX (default /usr/local):
#   PREFIX=/opt/modulpos sh install.sh
# then: cc app.c $(PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig pkg-config --cflags --libs modulpos)
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${PREFIX:-/usr/local}"
case "$prefix" in /*) ;; *) echo "PREFIX must be an absolute path" >&2; exit 2 ;; esac
mkdir -p "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/share/modulpos/examples"
cp "$here/include/modulpos.h" "$prefix/include/"
cp -P "$here"/lib/libmodulpos.so* "$here/lib/libmodulpos.a" "$prefix/lib/"
sed "s|@PREFIX@|$prefix|" "$here/lib/pkgconfig/modulpos.pc.in" >"$prefix/lib/pkgconfig/modulpos.pc"
cp "$here"/share/modulpos/examples/* "$prefix/share/modulpos/examples/"
# The loader's cache knows only the system's library directories; another prefix is found through
# LD_LIBRARY_PATH or an rpath, never by adding it to the cache behind the admin's back.
case "$prefix" in
    /usr | /usr/local) if [ "$(id -u)" -eq 0 ] && command -v ldconfig >/dev/null 2>&1; then ldconfig; fi ;;
esac
echo "modulpos installed under $prefix"
EOF
chmod 0755 "$sdk/install.sh"
tar -C "$stage" --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH:-0}" --sort=name \
    -czf "$out/$sdk_name.tar.gz" "$sdk_name"

# --- The sandbox binary. ---
install -m 0755 "$built/modulpos-sandbox" "$out/modulpos-sandbox-$version-$target"

(cd "$out" && sha256sum -- * >SHA256SUMS)
log "wrote $out:"
(cd "$out" && ls -l) >&2
