# Sourced by tests/outbox/run.sh: throwaway database servers with their data in a temp dir, on free
# loopback ports, stopped when the calling shell exits.
#   install_database_packages   Debian: postgresql, mariadb-server, PHP's PDO drivers (when missing)
#   start_postgres              exports MODULPOS_TEST_POSTGRES_URL (postgres://modulpos:PW@127.0.0.1:PORT/modulpos)
#                               and MODULPOS_TEST_POSTGRES_DSN/_USER/_PASSWORD for PDO
#   start_mariadb               exports MODULPOS_TEST_MYSQL_URL (mysql://modulpos:PW@127.0.0.1:PORT/modulpos)
#                               and MODULPOS_TEST_MYSQL_DSN/_USER/_PASSWORD for PDO
# PostgreSQL refuses to run as root: under root it runs as Debian's `postgres` user.

DB_TMP="${DB_TMP:-$(mktemp -d /tmp/modulpos-db.XXXXXX)}"
chmod 755 "$DB_TMP"
DB_STOPS=()

stop_databases() {
    local s
    for s in "${DB_STOPS[@]}"; do eval "$s" >/dev/null 2>&1 || true; done
    rm -rf "$DB_TMP"
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

install_database_packages() {
    local need=()
    [ -x "$(pg_bin)/initdb" ] || need+=(postgresql)
    command -v mariadb-install-db >/dev/null 2>&1 || command -v mysql_install_db >/dev/null 2>&1 || need+=(mariadb-server)
    php -r 'exit(extension_loaded("pdo_sqlite") ? 0 : 1);' || need+=(php-sqlite3)
    php -r 'exit(extension_loaded("pdo_mysql") ? 0 : 1);' || need+=(php-mysql)
    php -r 'exit(extension_loaded("pdo_pgsql") ? 0 : 1);' || need+=(php-pgsql)
    [ ${#need[@]} -eq 0 ] && return 0
    echo "installing ${need[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # policy-rc.d: the packages must not start their own system-wide servers.
    $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# Debian's PostgreSQL server binaries (the newest installed major version).
pg_bin() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    echo "${d:-/usr/lib/postgresql/15/bin}"
}

start_postgres() {
    local dir="$DB_TMP/pg" port password run=()
    port="$(free_port)"
    password="pg-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    mkdir -p "$dir"
    printf '%s\n' "$password" >"$dir/pwfile"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres:postgres "$dir"
        run=(runuser -u postgres --)
    fi
    "${run[@]}" "$(pg_bin)/initdb" -D "$dir/data" -U modulpos --pwfile="$dir/pwfile" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; return 1; }
    "${run[@]}" "$(pg_bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
        { cat "$dir/server.log" >&2; return 1; }
    DB_STOPS+=("${run[*]} $(pg_bin)/pg_ctl -D $dir/data -m immediate -w stop")
    "${run[@]}" "$(pg_bin)/createdb" -h "$dir" -p "$port" -U modulpos modulpos || return 1
    export MODULPOS_TEST_POSTGRES_URL="postgres://modulpos:$password@127.0.0.1:$port/modulpos"
    export MODULPOS_TEST_POSTGRES_DSN="pgsql:host=127.0.0.1;port=$port;dbname=modulpos"
    export MODULPOS_TEST_POSTGRES_USER=modulpos MODULPOS_TEST_POSTGRES_PASSWORD="$password"
    echo "postgres: 127.0.0.1:$port ($(pg_bin))"
}

start_mariadb() {
    local dir="$DB_TMP/my" port password install user i
    port="$(free_port)"
    password="my-$(head -c 9 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    user="$(id -un)"
    mkdir -p "$dir"
    install="$(command -v mariadb-install-db || command -v mysql_install_db)"
    "$install" --no-defaults --datadir="$dir/data" --user="$user" --auth-root-authentication-method=socket \
        --skip-test-db >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; return 1; }
    "$(command -v mariadbd || command -v mysqld)" --no-defaults --datadir="$dir/data" --user="$user" \
        --port="$port" --bind-address=127.0.0.1 --socket="$dir/sock" --pid-file="$dir/pid" \
        --skip-log-bin --innodb-flush-log-at-trx-commit=2 --log-error="$dir/server.log" >>"$dir/server.log" 2>&1 &
    DB_STOPS+=("kill $! && wait $!")
    for i in $(seq 1 120); do
        [ -S "$dir/sock" ] && mariadb --no-defaults -S "$dir/sock" -u root -e 'SELECT 1' >/dev/null 2>&1 && break
        sleep 0.25
    done
    mariadb --no-defaults -S "$dir/sock" -u root -e "
        CREATE DATABASE modulpos;
        CREATE USER 'modulpos'@'127.0.0.1' IDENTIFIED BY '$password';
        GRANT ALL ON modulpos.* TO 'modulpos'@'127.0.0.1';" ||
        { cat "$dir/server.log" >&2; return 1; }
    export MODULPOS_TEST_MYSQL_URL="mysql://modulpos:$password@127.0.0.1:$port/modulpos"
    export MODULPOS_TEST_MYSQL_DSN="mysql:host=127.0.0.1;port=$port;dbname=modulpos;charset=utf8mb4"
    export MODULPOS_TEST_MYSQL_USER=modulpos MODULPOS_TEST_MYSQL_PASSWORD="$password"
    echo "mariadb: 127.0.0.1:$port"
}
