#!/usr/bin/env bash
# The outbox suite on real database servers (cli/README.md, "Outbox"):
#   1. installs what is missing (Debian: postgresql, mariadb-server, php-sqlite3/-mysql/-pgsql),
#   2. starts a throwaway PostgreSQL and MariaDB (data in a temp dir, free loopback ports; PostgreSQL
#      as the `postgres` user under root), stopped on exit,
#   3. runs the worker's tests (cli/tests/worker.rs) on SQLite, MariaDB and PostgreSQL,
#   4. runs PHP's OutboxTest on the three (enqueue in a transaction: rolled back → never sent,
#      committed → sent once, by the worker program),
#   5. runs the chaos test (cli/tests/chaos.rs) on PostgreSQL: 3 workers killed with SIGKILL at
#      random under injected faults (SQLite's run is in the workspace's cargo test).
# Expects `cargo build --release --workspace` done. Extra variables: MODULPOS_CHAOS_RECEIPTS (200).
set -uo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../lib/databases.sh
. tests/lib/databases.sh
trap stop_databases EXIT

install_database_packages || { echo "could not install the database servers" >&2; exit 1; }
start_postgres || exit 1
start_mariadb || exit 1

failed=0
echo "--- worker tests on SQLite, MariaDB, PostgreSQL"
cargo test --release --locked -p modulpos-cli --test worker || failed=1
echo "--- PHP Outbox on SQLite, MariaDB, PostgreSQL"
bash bindings/php/run-tests.sh --filter OutboxTest || failed=1
echo "--- chaos on PostgreSQL"
MODULPOS_CHAOS_DATABASE="$MODULPOS_TEST_POSTGRES_URL" \
    cargo test --release --locked -p modulpos-cli --test chaos -- --nocapture || failed=1
exit $failed
