#!/usr/bin/env bash
# Interop suite: `redis-cli --cluster reshard` (Debian's redis-cli 7) moves 1000 slots holding
# part of 100,000 keys between masters of a cluster of the server under test
# ($SLOTCACHE_SERVER) while two clients keep writing and reading.
#
# What: three empty cluster nodes made a cluster by `--cluster create`; 100,000 keys loaded
# (cluster_keys.py load); two checkers (cluster_keys.py checker: redis-py RedisCluster SET and
# GET, following MOVED and ASK) run during `--cluster reshard --cluster-from <node 2>
# --cluster-to <node 0> --cluster-slots 1000 --cluster-yes`; then: the reshard exited 0 without
# an error line, node 0 serves 1000 more slots and node 2 1000 fewer, `--cluster check` is clean
# (all agree, no open slot), every one of the 100,000 keys is on the master of its slot with its
# value, no key is left on the node that gave the slots away, and the checkers saw no error and
# no lost write.
# Approach: lib.bash's start_server with cluster flags; the Python helper shares one definition
# of "lost" with the bench (utils/bench/reshard); every wait is polled with a deadline, every
# tool runs under `timeout`.
# Ports: 13100-13102 (cluster bus 23100-23102).

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

PY=/usr/bin/python3
HELPER=$(dirname "$0")/cluster_keys.py
PORTS=(13100 13101 13102)
CLUSTER_FLAGS=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000)
KEYS=100000
SLOTS=1000

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

for p in "${PORTS[@]}"; do
    if ! port_free "$p" || ! port_free $((p + 10000)); then
        not_ok "port $p and $((p + 10000)) are free" "in use"
        finish
    fi
    if ! start_server "$p" "${CLUSTER_FLAGS[@]}"; then
        not_ok "cluster node starts on port $p" "see log above"
        finish
    fi
done

# wait_ok TIMEOUT_S: cluster_state:ok on every node.
wait_ok() {
    local deadline=$((SECONDS + $1)) p all
    while [ "$SECONDS" -lt "$deadline" ]; do
        all=1
        for p in "${PORTS[@]}"; do
            cli "$p" cluster info | tr -d '\r' | grep -q '^cluster_state:ok$' || all=0
        done
        [ "$all" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}

# slot_count PORT: the slots the node at PORT serves, as CLUSTER NODES' myself line lists them.
slot_count() {
    cli "$1" cluster nodes | tr -d '\r' | awk '/myself/ {
        n = 0
        for (i = 9; i <= NF; i++) {
            if ($i ~ /^\[/) continue
            split($i, r, "-")
            n += (r[2] == "" ? 1 : r[2] - r[1] + 1)
        }
        print n }'
}

out=$(timeout 60 "$CLI" --cluster create "127.0.0.1:${PORTS[0]}" "127.0.0.1:${PORTS[1]}" \
    "127.0.0.1:${PORTS[2]}" --cluster-yes 2>&1)
check_eq "redis-cli --cluster create exits 0" "0" "$?"
if wait_ok 30; then ok "cluster_state:ok on every node"; else not_ok "cluster_state:ok on every node" "timeout"; finish; fi

check_eq "100,000 keys loaded" "$KEYS" "$(timeout 120 "$PY" "$HELPER" load "${PORTS[0]}" "$KEYS" key 2>&1)"
id0=$(cli "${PORTS[0]}" cluster myid)
id2=$(cli "${PORTS[2]}" cluster myid)
slots0=$(slot_count "${PORTS[0]}")
slots2=$(slot_count "${PORTS[2]}")

STOP=$INTEROP_TMP/stop
"$PY" "$HELPER" checker "${PORTS[0]}" "$STOP" chk1 >"$INTEROP_TMP/chk1.out" 2>"$INTEROP_TMP/chk1.err" &
CHK1=$!
"$PY" "$HELPER" checker "${PORTS[1]}" "$STOP" chk2 >"$INTEROP_TMP/chk2.out" 2>"$INTEROP_TMP/chk2.err" &
CHK2=$!
sleep 1
t0=$SECONDS
out=$(timeout 300 "$CLI" --cluster reshard "127.0.0.1:${PORTS[0]}" --cluster-from "$id2" \
    --cluster-to "$id0" --cluster-slots "$SLOTS" --cluster-yes 2>&1)
rc=$?
echo "# reshard of $SLOTS slots took $((SECONDS - t0)) s"
sleep 1
touch "$STOP"
wait "$CHK1" "$CHK2"
check_eq "--cluster reshard exits 0" "0" "$rc"
check_eq "--cluster reshard reports no error" "" "$(printf '%s\n' "$out" | grep -E '\[ERR\]|ERR |\*\*\*' | head -n 3)"
check_match "--cluster reshard moved slots one by one" "Moving slot [0-9]+ from 127.0.0.1:${PORTS[2]} to 127.0.0.1:${PORTS[0]}" "$out"
check_eq "node 0 serves $SLOTS more slots" "$((slots0 + SLOTS))" "$(slot_count "${PORTS[0]}")"
check_eq "node 2 serves $SLOTS fewer slots" "$((slots2 - SLOTS))" "$(slot_count "${PORTS[2]}")"

check=$(cli "${PORTS[1]}" --cluster check "127.0.0.1:${PORTS[1]}")
check_match "--cluster check: all nodes agree" '\[OK\] All nodes agree about slots configuration\.' "$check"
check_eq "--cluster check: no open slot, no warning" "" "$(printf '%s\n' "$check" | grep -E '\[WARNING\]|\[ERR\]')"
check_eq "every loaded key is on its slot's master with its value (missing wrong)" "0 0" \
    "$(timeout 120 "$PY" "$HELPER" verify "${PORTS[0]}" "$KEYS" key 2>&1)"
check_eq "the node that gave the slots away holds only keys of its own slots" \
    "$(cli "${PORTS[2]}" dbsize)" \
    "$(cli "${PORTS[2]}" cluster nodes | tr -d '\r' | awk '/myself/ { for (i = 9; i <= NF; i++) print $i }' | while read -r r; do
        lo=${r%-*}; hi=${r#*-}
        for ((s = lo; s <= hi; s++)); do echo "CLUSTER COUNTKEYSINSLOT $s"; done
    done | timeout 60 "$CLI" -p "${PORTS[2]}" | awk '{ n += $1 } END { print n + 0 }')"
read -r req1 err1 lost1 <"$INTEROP_TMP/chk1.out"
read -r req2 err2 lost2 <"$INTEROP_TMP/chk2.out"
echo "# checkers: $req1 + $req2 requests during the reshard"
check_eq "checkers saw no error during the reshard" "0 0" "${err1:-?} ${err2:-?}"
check_eq "checkers lost no write" "0 0" "${lost1:-?} ${lost2:-?}"
check_match "checkers made requests during the reshard" '^[1-9][0-9]* [1-9][0-9]*$' "${req1:-0} ${req2:-0}"
[ -s "$INTEROP_TMP/chk1.err" ] && sed 's/^/# /' "$INTEROP_TMP/chk1.err" | head -n 5

finish
