#!/usr/bin/env bash
# Interop suite: utils/create-cluster/create-cluster as the README's tutorial uses it, on its
# own ports and data directory: start, create (which runs slotcache-cli --cluster create),
# call, stop, restart from nodes-*.conf (`up`, what `make cluster` runs), clean, and the usage
# text. Debian's redis-cli reads the cluster back, as a user's existing tools would.
# Approach: the script under test starts and stops the nodes itself (daemonized, pid files in
# the data directory); the trap here stops anything it left running, by those pid files only.
# Ports: 13340-13345 (cluster bus 23340-23345).

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

SCRIPT=$INTEROP_REPO/utils/create-cluster/create-cluster
export PORT=13339 NODES=6 REPLICAS=1 TIMEOUT=2000 DATA_DIR=$INTEROP_TMP/cc TERM=dumb
export BIN_PATH=$(dirname "${SLOTCACHE_SERVER:-$INTEROP_REPO/src/slotcache-server}")
PORTS=(13340 13341 13342 13343 13344 13345)

cc_cleanup() {
    local f pid
    for f in "$DATA_DIR"/*.pid; do
        [ -f "$f" ] || continue
        pid=$(cat "$f")
        kill -TERM "$pid" 2>/dev/null
    done
    interop_cleanup
}
trap cc_cleanup EXIT
trap 'cc_cleanup; exit 130' INT TERM

all_answer() {
    local p
    for p in "${PORTS[@]}"; do server_alive "$p" || return 1; done
}

none_answers() {
    local p
    for p in "${PORTS[@]}"; do server_alive "$p" && return 1; done
    return 0
}

out=$(timeout 60 "$SCRIPT" 2>&1)
check_eq "no command: usage and exit 1" "1" "$?"
check_match "the usage lists the commands" 'Usage: .*\[start\|create\|stop\|restart\|watch\|tail\|tailall\|clean\|clean-logs\|call' "$out"

out=$(timeout 60 "$SCRIPT" start 2>&1)
check_eq "start exits 0" "0" "$?"
check_eq "start announces each node" "6" "$(printf '%s\n' "$out" | grep -c '^Starting 1334[0-5]$')"
if all_answer; then ok "the 6 nodes answer PING once start returns"; else not_ok "the 6 nodes answer PING once start returns" "some do not"; fi
check_eq "each node has its pid file" "6" "$(ls "$DATA_DIR" | grep -c '^1334[0-5]\.pid$')"
check_eq "each node logs to DATA_DIR" "6" "$(ls "$DATA_DIR" | grep -c '^1334[0-5]\.log$')"

out=$(timeout 120 "$SCRIPT" create -f 2>&1)
check_eq "create -f exits 0" "0" "$?"
check_match "create runs slotcache-cli --cluster create" '\[OK\] All 16384 slots covered\.' "$out"
check_match "create waits for cluster_state:ok" 'Cluster ready: .*slotcache-cli -c -p 13340' "$out"
check_eq "every node reports cluster_state:ok" "6" \
    "$(for p in "${PORTS[@]}"; do cli "$p" cluster info | tr -d '\r' | grep -c '^cluster_state:ok$'; done | awk '{ s += $1 } END { print s }')"
check_eq "3 masters and 3 replicas" "3 3" \
    "$(cli 13340 cluster nodes | awk '$3 ~ /master/ { m++ } $3 ~ /slave/ { s++ } END { print m + 0, s + 0 }')"
check_eq "call runs a command on every node" "6" "$(timeout 60 "$SCRIPT" call ping 2>&1 | grep -c '^PONG$')"
check_eq "redis-cli -c writes through the new cluster" "OK" "$(timeout 20 "$CLI" -c -p 13340 set tutorial:1 hello 2>&1)"
check_eq "... and reads from any node" "hello" "$(timeout 20 "$CLI" -c -p 13343 get tutorial:1 2>&1)"

out=$(timeout 60 "$SCRIPT" stop 2>&1)
check_eq "stop exits 0" "0" "$?"
check_eq "stop announces each node" "6" "$(printf '%s\n' "$out" | grep -c '^Stopping 1334[0-5]$')"
if none_answers; then ok "no node answers after stop"; else not_ok "no node answers after stop" "some still answer"; fi
check_eq "stop removes the pid files" "0" "$(ls "$DATA_DIR" | grep -c '\.pid$')"

out=$(timeout 120 "$SCRIPT" up 2>&1)
check_eq "up (make cluster) of stopped nodes exits 0" "0" "$?"
check_match "up restarts the existing cluster instead of creating one" 'already form a cluster' "$out"
check_eq "the restarted nodes know each other" "6" "$(cli 13341 cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')"
check_eq "the cluster is ok again" "6" \
    "$(for p in "${PORTS[@]}"; do cli "$p" cluster info | tr -d '\r' | grep -c '^cluster_state:ok$'; done | awk '{ s += $1 } END { print s }')"
check_eq "stop saved the data: the key is back" "hello" "$(timeout 20 "$CLI" -c -p 13342 get tutorial:1 2>&1)"

out=$(timeout 60 "$SCRIPT" restart 2>&1)
check_eq "restart exits 0" "0" "$?"
if all_answer; then ok "every node answers after restart"; else not_ok "every node answers after restart" "some do not"; fi

timeout 60 "$SCRIPT" stop >/dev/null 2>&1
out=$(timeout 60 "$SCRIPT" clean 2>&1)
check_eq "clean exits 0" "0" "$?"
check_eq "clean removes logs and nodes-*.conf" "0" "$(ls "$DATA_DIR" | grep -c '\.log$\|^nodes-')"
check_eq "clean-logs" "Cleaning *.log" "$(timeout 10 "$SCRIPT" clean-logs 2>&1)"

finish
