#!/usr/bin/env bash
# The sandbox as shops get it: `cargo install --path sandbox` into a throwaway root, then the
# installed binary (not the workspace's) serves its health endpoint and the API from an
# environment-only configuration. Reuses target/ so an already built release costs seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

root="$(mktemp -d)"
cleanup() { rm -rf "$root"; }
trap cleanup EXIT
cargo install --quiet --locked --path sandbox --root "$root" --target-dir target
bin="$root/bin/modulpos-sandbox"
[ -x "$bin" ] || { echo "cargo install left no $bin" >&2; exit 1; }
"$bin" --help | grep -q -- '--callback-allow' || { echo "the installed binary's --help lacks --callback-allow" >&2; exit 1; }

# shellcheck source=../scripts/sandbox.sh
. scripts/sandbox.sh
MODULPOS_SANDBOX_BIN="$bin" start_sandbox
# start_sandbox's EXIT trap stops the sandbox; this one also removes the install root.
trap 'kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; cleanup' EXIT

# GET /sandbox/health over bash's /dev/tcp (no curl needed).
hostport="${SANDBOX_ROOT#http://}"
exec {fd}<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
printf 'GET /sandbox/health HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n' >&"$fd"
answer="$(cat <&"$fd")"
exec {fd}>&-
case "$answer" in
    "HTTP/1.1 200"*'"ok":true'*) echo "installed sandbox healthy at $SANDBOX_ROOT" ;;
    *) echo "unexpected health answer: $answer" >&2; exit 1 ;;
esac
