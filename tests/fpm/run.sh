#!/usr/bin/env bash
# The PHP binding under a real PHP-FPM master (Debian php8.2-fpm), requests through FastCGI
# (cgi-fcgi from libfcgi-bin), against the prebuilt package from dist/ (built if missing):
#   1. ffi.enable=preload + opcache.preload=<package>/preload.php + opcache.preload_user: the ini
#      block of bindings/php/README.md's FPM section, as written there (only paths and the user
#      substituted);
#   2. ffi.enable=true, no preload;
#   3. ffi.enable=preload without opcache.preload: the error names the php.ini fix, not cargo.
# Each request sends a receipt with a new Client and reads its status. In mode 1 the sandbox's
# count of accepted TCP connections must stay within the number of workers (plus reconnects):
#
#   FPM_REQUESTS=1000 FPM_WORKERS=4 bash tests/fpm/run.sh     # the measurement (default 200)
#
# The FPM master, its config, pid and socket live in a temp dir; it runs the pool as an
# unprivileged user when started as root, and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
requests="${FPM_REQUESTS:-200}"
workers="${FPM_WORKERS:-4}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fpm="$(command -v php-fpm8.2 || true)"
need=()
[ -n "$fpm" ] || need+=(php8.2-fpm)
command -v cgi-fcgi >/dev/null 2>&1 || need+=(libfcgi-bin)
php -r 'exit(extension_loaded("Zend OPcache") ? 0 : 1);' 2>/dev/null || need+=(php8.2-opcache)
if [ ${#need[@]} -gt 0 ]; then
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fpm="$(command -v php-fpm8.2 || echo /usr/sbin/php-fpm8.2)"
fi

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)"
zip="${DIST_DIR:-$root/dist}/modulpos-ffi-$version.zip"
[ -f "$zip" ] || bash scripts/dist.sh
work="$(mktemp -d /tmp/modulpos-fpm.XXXXXX)"
chmod 0755 "$work"
fpm_pid=""
stop_fpm() {
    if [ -n "$fpm_pid" ]; then
        kill -QUIT "$fpm_pid" 2>/dev/null || true
        wait "$fpm_pid" 2>/dev/null || true
        fpm_pid=""
    fi
}
fail() { echo "FAILED: $*" >&2; [ -f "$work/fpm.log" ] && tail -20 "$work/fpm.log" >&2; exit 1; }

# The shop: the release package installed with Composer from an artifact repository.
shop="$work/shop"
package="$shop/vendor/modulpos/modulpos-ffi"
mkdir -p "$shop/artifacts"
cp "$zip" "$shop/artifacts/"
printf '{"repositories": [{"packagist.org": false}, {"type": "artifact", "url": "artifacts/"}], "require": {"modulpos/modulpos-ffi": "^%s"}}\n' "$version" >"$shop/composer.json"
(cd "$shop" && COMPOSER_HOME="$work/composer-home" COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_DISABLE_NETWORK=1 \
    composer install --quiet --no-interaction --no-progress) || fail "composer install"
cp tests/fpm/request.php "$shop/request.php"
chmod -R a+rX "$work"

if [ "$(id -u)" -eq 0 ]; then
    pool_user="www-data"
    id "$pool_user" >/dev/null 2>&1 || pool_user="nobody"
    pool_group="$(id -gn "$pool_user")"
else
    pool_user="$(id -un)"
    pool_group="$(id -gn)"
fi

# shellcheck source=scripts/sandbox.sh
. scripts/sandbox.sh
start_sandbox --queue-ms 20 --print-ms 20
# Replaces start_sandbox's EXIT trap, so it stops the sandbox too.
trap 'stop_fpm; kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; rm -rf "$work"' EXIT
association="$(php -r '
    $context = stream_context_create(["http" => ["method" => "POST", "header" => "Authorization: Basic " . base64_encode($argv[2] . ":" . $argv[3])]]);
    $answer = json_decode((string) file_get_contents($argv[1], false, $context), true);
    echo $answer["userName"], " ", $answer["password"];
' "$MODULPOS_TEST_BASE_URL/v1/associate/$MODULPOS_RETAIL_POINT_UUID" "$MODULPOS_LOGIN" "$MODULPOS_PASSWORD")"
read -r shop_login shop_password <<<"$association"

# A code block ($1: sh or ini) of the README's FPM section, with this shop's path and pool user.
readme_block() {
    sed -n '/^## PHP-FPM/,/^## /p' bindings/php/README.md | sed -n "/^\`\`\`$1\$/,/^\`\`\`\$/p" | sed '1d;$d' |
        sed "s#/srv/shop#$shop#g; s#^opcache.preload_user = .*#opcache.preload_user = $pool_user#"
}

start_fpm() { # $1: php.ini contents
    stop_fpm
    rm -f "$work/fpm.sock" "$work/fpm.log"
    printf '%s\n' "$1" >"$work/php.ini"
    local user_lines=""
    [ "$(id -u)" -eq 0 ] && user_lines="user = $pool_user
group = $pool_group"
    cat >"$work/php-fpm.conf" <<EOF
[global]
pid = $work/fpm.pid
error_log = $work/fpm.log
daemonize = no

[shop]
$user_lines
listen = $work/fpm.sock
listen.mode = 0666
pm = static
pm.max_children = $workers
env[MODULPOS_TEST_BASE_URL] = $MODULPOS_TEST_BASE_URL
catch_workers_output = yes
EOF
    # -c: our php.ini; Debian's conf.d still loads the ffi and opcache extensions.
    "$fpm" --nodaemonize -c "$work/php.ini" -y "$work/php-fpm.conf" &
    fpm_pid=$!
    for _ in $(seq 100); do
        [ -S "$work/fpm.sock" ] && return 0
        kill -0 "$fpm_pid" 2>/dev/null || fail "php-fpm exited at start"
        sleep 0.1
    done
    fail "php-fpm did not open its socket"
}

request() { # prints the body of one FastCGI request
    env -i SCRIPT_FILENAME="$shop/request.php" SCRIPT_NAME=/request.php REQUEST_METHOD=GET \
        SHOP_LOGIN="$shop_login" SHOP_PASSWORD="$shop_password" \
        cgi-fcgi -bind -connect "$work/fpm.sock" | sed '1,/^\r\{0,1\}$/d'
}

connections() { php -r 'echo json_decode(file_get_contents($argv[1]), true)["connections"];' "$SANDBOX_ROOT/sandbox/counters"; }

run_requests() { # $1: mode name; checks every answer; prints the connections the sandbox accepted
    local mode="$1" before after answer i pids="$work/pids"
    : >"$pids"
    before="$(connections)"
    for i in $(seq "$requests"); do
        answer="$(request)"
        case "$answer" in
            ok\ *) echo "${answer#ok }" | cut -d' ' -f1 >>"$pids" ;;
            *) fail "$mode: request $i answered: $answer" ;;
        esac
    done
    after="$(connections)"
    # Each counters request opens one connection of its own: the one of $after is not the pool's.
    echo "$mode: $requests requests by $(sort -u "$pids" | wc -l) workers: $((after - before - 1)) connections accepted by the sandbox" >&2
    echo $((after - before - 1))
}

echo "== FPM, ffi.enable=preload + opcache.preload (the README's settings)"
readme_block sh | tee -a /dev/stderr | grep -q 'modulpos-preload-header' || fail "no sh block in the README's FPM section"
readme_block ini | tee -a /dev/stderr | grep -q '^opcache.preload = ' || fail "no ini block in the README's FPM section"
bash -euo pipefail -c "$(readme_block sh)" || fail "the README's preload-header command"
chmod -R a+rX "$shop"
start_fpm "$(readme_block ini)"
first="$(request)"
echo "$first"
case "$first" in *"origin=preloaded FFI scope MODULPOS"*) ;; *) fail "preload mode did not use the preloaded scope: $first" ;; esac
started="$(date +%s.%N)"
accepted="$(run_requests preload)"
echo "preload: $(echo "$(date +%s.%N) - $started" | bc 2>/dev/null || echo '?') s"
# Keep-alive across requests: at most one connection per worker, plus a reconnect per worker if an
# idle bound passed (it does not in this run).
[ "$accepted" -le $((2 * workers)) ] || fail "$accepted connections for $requests requests with $workers workers"

echo "== FPM, ffi.enable=true (FFI::cdef in each worker)"
start_fpm "ffi.enable = true
opcache.enable = 1"
first="$(request)"
echo "$first"
case "$first" in *"origin=$package/lib/libmodulpos.so"*) ;; *) fail "ffi.enable=true did not load the package's lib/: $first" ;; esac
# The library pins itself (RTLD_NODELETE) though FFI::cdef's object dlcloses it after each
# request, so the agent cache and its connections survive here too.
accepted="$(requests=$((requests < 100 ? requests : 100)) run_requests cdef)"
[ "$accepted" -le $((2 * workers)) ] || fail "ffi.enable=true: $accepted connections with $workers workers"

echo "== FPM, ffi.enable=preload without opcache.preload: the hint names php.ini, not cargo"
start_fpm "ffi.enable = preload
opcache.enable = 1"
answer="$(request)"
echo "$answer"
case "$answer" in *"LibraryException"*"opcache.preload"*) ;; *) fail "no php.ini hint: $answer" ;; esac
case "$answer" in *cargo*) fail "the FPM hint mentions cargo: $answer" ;; esac
stop_fpm
echo "FPM: all checks passed"
