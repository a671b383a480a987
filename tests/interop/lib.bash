# Shared harness for the interop suites: sourced by the bash suites, never run itself
# (named .bash, not .sh and not executable, so that a runner globbing the suites skips it).
#
# What: start the server under test on a loopback port, wait for it, record one line per check
# ("ok - ..." / "not ok - ... (reason)"), stop everything started here by pid on exit, and print
# the closing "N passed, N failed" line.
# Approach: plain bash with every wait bounded by a deadline and every client call bounded by
# `timeout`, so a hung server fails a check instead of hanging the suite.
# Rejected: a shared Python harness for the shell suites (the shell suites exist to drive the
# real command-line tools exactly as a user types them).
# Invariants: only pids recorded in INTEROP_PIDS are ever signalled; every port is in the
# caller's range (interop suites use 12000-12699 and 13300-13499).

INTEROP_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SERVER=${SLOTCACHE_SERVER:-$INTEROP_REPO/src/slotcache-server}
CLI=${REDIS_CLI:-/usr/bin/redis-cli}
PASSED=0
FAILED=0
INTEROP_PIDS=()
INTEROP_TMP=$(mktemp -d /tmp/slotcache-interop.XXXXXX)

ok() {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

not_ok() {
    FAILED=$((FAILED + 1))
    echo "not ok - $1 ($2)"
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1" "expected '$(printf '%s' "$2" | head -c 300)', got '$(printf '%s' "$3" | head -c 300)'"
    fi
}

# check_match NAME EXTENDED-REGEX ACTUAL
check_match() {
    if printf '%s' "$3" | grep -Eq -- "$2"; then
        ok "$1"
    else
        not_ok "$1" "'$(printf '%s' "$3" | head -c 300)' does not match /$2/"
    fi
}

# cli PORT ARGS... : redis-cli bounded in time.
cli() {
    local port=$1
    shift
    timeout 20 "$CLI" -p "$port" "$@" 2>&1
}

# start_server PORT [EXTRA ARGS...]: starts the server under test in its own directory
# $INTEROP_TMP/<port>, waits until `redis-cli ping` answers PONG (10 s deadline).
# Returns non-zero (and prints the log tail) when it does not come up.
start_server() {
    local port=$1
    shift
    local dir=$INTEROP_TMP/$port
    mkdir -p "$dir"
    if [ ! -x "$SERVER" ]; then
        echo "# server binary $SERVER is missing or not executable"
        return 1
    fi
    "$SERVER" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$dir" --logfile "$dir/log" --enable-debug-command yes "$@" \
        >"$dir/stdout" 2>&1 &
    local pid=$!
    INTEROP_PIDS+=("$pid")
    local i
    for i in $(seq 1 100); do
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        # -e makes redis-cli exit non-zero on an error reply such as NOAUTH, which still
        # proves the server is listening.
        local reply
        reply=$(timeout 2 "$CLI" -p "$port" ping 2>&1)
        case $reply in
            PONG | NOAUTH* | *"Authentication required"*) return 0 ;;
        esac
        sleep 0.1
    done
    echo "# server on port $port did not become ready; log tail:"
    tail -n 20 "$dir/log" "$dir/stdout" 2>/dev/null | sed 's/^/#   /'
    return 1
}

# server_alive PORT: 0 when the last started server's process lives and answers PING.
server_alive() {
    [ "$(timeout 5 "$CLI" -p "$1" ping 2>&1)" = "PONG" ]
}

stop_servers() {
    local pid i st
    for pid in "${INTEROP_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${INTEROP_PIDS[@]}"; do
        for i in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        st=$?
        # Killed by anything but our TERM (143) or KILL (137): a crash. Keep its files.
        if [ "$st" -gt 128 ] && [ "$st" -ne 137 ] && [ "$st" -ne 143 ]; then
            INTEROP_CRASHED=1
        fi
    done
    INTEROP_PIDS=()
}

interop_cleanup() {
    stop_servers
    if [ -n "${INTEROP_CRASHED:-}" ]; then
        echo "# a server died from a signal; its files are kept in $INTEROP_TMP" >&2
        grep -rh -i "assert\|abort\|signal" "$INTEROP_TMP" --include=stdout --include=log \
            2>/dev/null | tail -5 >&2
        return
    fi
    rm -rf "$INTEROP_TMP"
}

# finish: closing line and exit status.
finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit $?
}

trap interop_cleanup EXIT
trap 'interop_cleanup; exit 130' INT TERM
