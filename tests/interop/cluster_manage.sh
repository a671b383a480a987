#!/usr/bin/env bash
# Interop suite: operating a cluster of the server under test ($SLOTCACHE_SERVER) with Debian's
# redis-cli 7 cluster manager, as an operator grows and shrinks one.
#
# What, in order, on a 3-master cluster holding 30,000 keys:
#   1. `--cluster add-node` of an empty node: it joins as a master with no slots;
#   2. `--cluster rebalance --cluster-use-empty-masters`: the 4 masters end with 4096 slots each;
#   3. emptying a master with `--cluster reshard`, then `--cluster del-node`: the others forget
#      it (CLUSTER FORGET) and it is reset (CLUSTER RESET SOFT: it knows only itself);
#   4. `--cluster add-node --cluster-slave --cluster-master-id`: the new node replicates that
#      master, its link up and its DBSIZE the master's;
#   5. `--cluster import` from a standalone redis-server 7 (`--cluster-copy`): its 2,000 keys,
#      values and TTLs are in the cluster, and still in the source.
# After each step `--cluster check` is clean and every loaded key is on its slot's master with
# its value (cluster_keys.py verify).
# Approach: lib.bash's start_server with cluster flags; the redis-server of step 5 is started
# the same way (it is always Debian's). Every wait is polled with a deadline, every tool runs
# under `timeout`.
# Ports: 13110-13114 (cluster bus 23110-23114), 13119 for the standalone redis-server.

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

PY=/usr/bin/python3
HELPER=$(dirname "$0")/cluster_keys.py
REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
PORTS=(13110 13111 13112)
NEW=13113
REPLICA=13114
STANDALONE=13119
CLUSTER_FLAGS=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000)
KEYS=30000

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

for p in "${PORTS[@]}" "$NEW" "$REPLICA"; do
    if ! port_free "$p" || ! port_free $((p + 10000)); then
        not_ok "ports $p and $((p + 10000)) are free" "in use"
        finish
    fi
    if ! start_server "$p" "${CLUSTER_FLAGS[@]}"; then
        not_ok "cluster node starts on port $p" "see log above"
        finish
    fi
done

# wait_for TIMEOUT_S COMMAND...: polls COMMAND until it succeeds or the deadline passes.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    while [ "$SECONDS" -lt "$deadline" ]; do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

state_ok() {
    local p
    for p in "$@"; do
        cli "$p" cluster info | tr -d '\r' | grep -q '^cluster_state:ok$' || return 1
    done
}

# slot_count PORT: the slots the node at PORT serves (CLUSTER NODES' myself line).
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

known_nodes() {
    cli "$1" cluster info | tr -d '\r' | grep '^cluster_known_nodes:' | cut -d: -f2
}

# clean STEP: --cluster check reports no warning or error and all agree; every key is intact.
clean() {
    local check
    check=$(cli "${PORTS[0]}" --cluster check "127.0.0.1:${PORTS[0]}")
    if printf '%s\n' "$check" | grep -q '\[OK\] All nodes agree' &&
        ! printf '%s\n' "$check" | grep -qE '\[WARNING\]|\[ERR\]'; then
        ok "$1: --cluster check is clean"
    else
        not_ok "$1: --cluster check is clean" "$(printf '%s\n' "$check" | grep -E 'WARN|ERR' | head -n 3 | tr '\n' ' ')"
    fi
    check_eq "$1: every key on its slot's master with its value (missing wrong)" "0 0" \
        "$(timeout 120 "$PY" "$HELPER" verify "${PORTS[0]}" "$KEYS" key 2>&1)"
}

timeout 60 "$CLI" --cluster create "127.0.0.1:${PORTS[0]}" "127.0.0.1:${PORTS[1]}" \
    "127.0.0.1:${PORTS[2]}" --cluster-yes >/dev/null 2>&1
check_eq "--cluster create of 3 masters exits 0" "0" "$?"
if wait_for 30 state_ok "${PORTS[@]}"; then ok "cluster_state:ok"; else not_ok "cluster_state:ok" timeout; finish; fi
check_eq "30,000 keys loaded" "$KEYS" "$(timeout 120 "$PY" "$HELPER" load "${PORTS[0]}" "$KEYS" key 2>&1)"
id0=$(cli "${PORTS[0]}" cluster myid)

# --- 1. add-node ---
out=$(timeout 60 "$CLI" --cluster add-node "127.0.0.1:$NEW" "127.0.0.1:${PORTS[0]}" 2>&1)
check_match "add-node: [OK] New node added correctly" '\[OK\] New node added correctly\.' "$out"
idn=$(cli "$NEW" cluster myid)
if wait_for 30 eval '[ "$(known_nodes "$NEW")" = 4 ] && [ "$(known_nodes "${PORTS[0]}")" = 4 ] && state_ok "$NEW" "${PORTS[@]}"'; then
    ok "add-node: the new node knows 4 nodes, is known, and reports cluster_state:ok"
else
    not_ok "add-node: the new node joins" "$(cli "$NEW" cluster nodes | tr '\n' ' ')"
fi
check_match "add-node: it is a master without slots" "^$idn [^ ]+ myself,master - " "$(cli "$NEW" cluster nodes | tr -d '\r' | grep myself)"
check_eq "add-node: it serves no slot" "0" "$(slot_count "$NEW")"

# --- 2. rebalance onto the empty master ---
out=$(timeout 300 "$CLI" --cluster rebalance "127.0.0.1:${PORTS[0]}" --cluster-use-empty-masters 2>&1)
check_eq "rebalance --cluster-use-empty-masters exits 0" "0" "$?"
check_match "rebalance: moves slots to the new master" "Moving [0-9]+ slots from .* to 127.0.0.1:$NEW" "$out"
check_eq "rebalance: 4 masters with 4096 slots each" "4096 4096 4096 4096" \
    "$(for p in "${PORTS[@]}" "$NEW"; do slot_count "$p"; done | tr '\n' ' ' | sed 's/ $//')"
check_match "rebalance: the new master holds keys" '^[1-9][0-9]*$' "$(cli "$NEW" dbsize)"
clean "after rebalance"

# --- 3. empty a master, then del-node ---
out=$(timeout 300 "$CLI" --cluster reshard "127.0.0.1:${PORTS[0]}" --cluster-from "$idn" \
    --cluster-to "$id0" --cluster-slots 4096 --cluster-yes 2>&1)
check_eq "reshard of all its slots away exits 0" "0" "$?"
check_eq "the emptied node serves no slot" "0" "$(slot_count "$NEW")"
check_eq "the emptied node holds no key" "0" "$(cli "$NEW" dbsize)"
out=$(timeout 60 "$CLI" --cluster del-node "127.0.0.1:${PORTS[0]}" "$idn" 2>&1)
check_eq "del-node exits 0" "0" "$?"
check_match "del-node: sends CLUSTER FORGET, then CLUSTER RESET" 'Sending CLUSTER FORGET messages.*' "$(printf '%s' "$out" | tr '\n' ' ')"
forgotten=1
for p in "${PORTS[@]}"; do
    cli "$p" cluster nodes | grep -q "^$idn " && forgotten=0
done
check_eq "del-node: no remaining node lists it" "1" "$forgotten"
check_eq "del-node: the removed node was reset (knows only itself)" "1" "$(known_nodes "$NEW")"
if wait_for 10 eval '[ "$(known_nodes "${PORTS[0]}")" = 3 ]'; then ok "del-node: it does not come back by gossip"; else not_ok "del-node: it does not come back by gossip" "$(known_nodes "${PORTS[0]}") known"; fi
clean "after del-node"

# --- 4. add-node as a replica of a given master ---
out=$(timeout 60 "$CLI" --cluster add-node "127.0.0.1:$REPLICA" "127.0.0.1:${PORTS[0]}" \
    --cluster-slave --cluster-master-id "$id0" 2>&1)
check_match "add-node --cluster-slave: [OK] New node added correctly" '\[OK\] New node added correctly\.' "$out"
replica_of() {
    cli "$REPLICA" cluster nodes | tr -d '\r' | grep myself | grep -q "slave $id0 " &&
        [ "$(cli "$REPLICA" info replication | tr -d '\r' | grep '^master_link_status:')" = "master_link_status:up" ]
}
if wait_for 30 replica_of; then ok "add-node --cluster-slave: it replicates the given master, link up"; else not_ok "add-node --cluster-slave: it replicates the given master" "$(cli "$REPLICA" cluster nodes | grep myself)"; fi
if wait_for 30 eval '[ "$(cli "$REPLICA" dbsize)" = "$(cli "${PORTS[0]}" dbsize)" ]'; then
    ok "add-node --cluster-slave: the replica holds its master's keys"
else
    not_ok "add-node --cluster-slave: the replica holds its master's keys" "$(cli "$REPLICA" dbsize) vs $(cli "${PORTS[0]}" dbsize)"
fi
clean "after add-node --cluster-slave"

# --- 5. import from a standalone redis-server 7 ---
if ! port_free "$STANDALONE"; then
    not_ok "port $STANDALONE is free" "in use"
    finish
fi
SERVER=$REDIS_SERVER start_server "$STANDALONE" || { not_ok "redis-server starts on $STANDALONE" "see log"; finish; }
for i in $(seq 1 2000); do echo "SET imported:$i val$i"; done | timeout 30 "$CLI" -p "$STANDALONE" >/dev/null
cli "$STANDALONE" set imported:ttl x ex 5000 >/dev/null
out=$(timeout 120 "$CLI" --cluster import "127.0.0.1:${PORTS[0]}" --cluster-from "127.0.0.1:$STANDALONE" --cluster-copy 2>&1)
check_eq "import --cluster-copy from redis-server exits 0" "0" "$?"
check_eq "import: no key failed" "" "$(printf '%s\n' "$out" | grep -E 'ERR|FAILED' | head -n 3)"
total=0
for p in "${PORTS[@]}"; do total=$((total + $(cli "$p" dbsize))); done
check_eq "import: the cluster holds the loaded keys plus the 2,001 imported" "$((KEYS + 2001))" "$total"
check_eq "import: values arrive intact" "val1 val777 val2000" \
    "$(for k in imported:1 imported:777 imported:2000; do cli "${PORTS[0]}" -c get "$k"; done | tr '\n' ' ' | sed 's/ $//')"
check_match "import: the TTL travels" '^(4[0-9]{3}|5000)$' "$(cli "${PORTS[0]}" -c ttl imported:ttl)"
check_eq "import --cluster-copy: the source keeps its keys" "2001" "$(cli "$STANDALONE" dbsize)"
clean "after import"

finish
