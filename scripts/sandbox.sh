# Sourced by the test and demo scripts: start_sandbox [FLAGS...] starts target/release/modulpos-sandbox on a
# free loopback port, waits for its "listening on http://127.0.0.1:PORT" line, and exports
#   SANDBOX_ROOT            http://127.0.0.1:PORT        (control interface under /sandbox/...)
#   MODULPOS_TEST_BASE_URL  http://127.0.0.1:PORT/api/fn (what the library uses in test mode)
#   MODULPOS_LOGIN / MODULPOS_PASSWORD / MODULPOS_RETAIL_POINT_UUID  (the sandbox's account)
# The sandbox is killed when the calling shell exits (an EXIT trap), whatever the outcome.

start_sandbox() {
    local root bin fifo line
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    bin="${MODULPOS_SANDBOX_BIN:-$root/target/release/modulpos-sandbox}"
    if [ ! -x "$bin" ]; then
        echo "start_sandbox: $bin not found; run: cargo build --release --workspace" >&2
        return 1
    fi
    fifo="$(mktemp -u)"
    mkfifo "$fifo"
    "$bin" --listen 127.0.0.1:0 "$@" >"$fifo" 2>&1 &
    SANDBOX_PID=$!
    trap 'kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true' EXIT
    exec {SANDBOX_FD}<"$fifo"
    rm -f "$fifo"
    if ! IFS= read -r -t 20 line <&"$SANDBOX_FD"; then
        echo "start_sandbox: no 'listening on' line from $bin within 20 s" >&2
        return 1
    fi
    case "$line" in
        "listening on http://"*) SANDBOX_ROOT="${line#listening on }" ;;
        *) echo "start_sandbox: unexpected first line: $line" >&2; return 1 ;;
    esac
    # Keep draining the sandbox's output so it never blocks on a full pipe.
    cat <&"$SANDBOX_FD" >/dev/null &
    export SANDBOX_ROOT
    export MODULPOS_TEST_BASE_URL="$SANDBOX_ROOT/api/fn"
    export MODULPOS_LOGIN="${MODULPOS_LOGIN:-sandbox-login}"
    export MODULPOS_PASSWORD="${MODULPOS_PASSWORD:-sandbox-password}"
    export MODULPOS_RETAIL_POINT_UUID="${MODULPOS_RETAIL_POINT_UUID:-11111111-2222-4333-8444-555555555555}"
}
