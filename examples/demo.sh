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

# The outbox path on SQLite (cli/README.md, "Outbox"): orders and their receipts in one transaction,
# the worker program sends what was committed.
echo
echo "== The outbox: receipts enqueued in the order's transaction, sent by 'modulpos worker'"
demo_dir="$(mktemp -d)" # (removed at the end; the EXIT trap belongs to the sandbox)
php bindings/php/examples/outbox.php enqueue "$demo_dir/shop.db"
echo '{"test_mode": true}' >"$demo_dir/base.json"
target/release/modulpos associate --config "$demo_dir/base.json" --login "$MODULPOS_LOGIN" \
    --password-env MODULPOS_PASSWORD --retail-point "$MODULPOS_RETAIL_POINT_UUID" --client-id demo-outbox \
    --write-config "$demo_dir/modulpos.json" | sed 's/^/   /'
target/release/modulpos worker --database "sqlite:$demo_dir/shop.db" --config "$demo_dir/modulpos.json" \
    --once --poll-ms 200 --quiet
target/release/modulpos outbox stats --database "sqlite:$demo_dir/shop.db" | sed 's/^/   /'
php bindings/php/examples/outbox.php status "$demo_dir/shop.db"
rm -rf "$demo_dir"
