#!/usr/bin/env bash
# Interop suite: a cluster of the server under test ($SLOTCACHE_SERVER) created and used with
# Debian's redis-cli 7 and redis-benchmark 7, exactly as an operator does it.
#
# What: three empty cluster-enabled nodes; `redis-cli --cluster create` (ADDSLOTS, SET-CONFIG-EPOCH,
# MEET, then its own wait for the join) answered "yes" by --cluster-yes; cluster_state:ok on every
# node; `--cluster check` and `--cluster info` reports; `redis-cli -c` following MOVED for keys of
# every node, and MOVED as printed without -c; `redis-benchmark --cluster` SET/GET.
# Approach: lib.bash's start_server with cluster flags, outputs compared as text (they are what
# users and their scripts read); every wait polled with a deadline, every tool under `timeout`
# (redis-benchmark spins forever when it cannot connect).
# Rejected: replicas (--cluster-replicas 1): not until slotcache has replication.
# Ports: 16800-16802 (cluster bus 26800-26802).

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

BENCH=${REDIS_BENCHMARK:-/usr/bin/redis-benchmark}
PORTS=(16800 16801 16802)
CLUSTER_FLAGS=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000)

for p in "${PORTS[@]}"; do
    if ! start_server "$p" "${CLUSTER_FLAGS[@]}"; then
        not_ok "cluster node starts on port $p" "see log above"
        finish
    fi
done
ok "3 empty cluster nodes start on ports ${PORTS[*]}"
check_eq "a new node reports cluster_state:fail (no slots yet)" "cluster_state:fail" \
    "$(cli "${PORTS[0]}" cluster info | tr -d '\r' | grep '^cluster_state:')"

# wait_state STATE TIMEOUT_S: every node reports cluster_state:STATE before the deadline.
wait_state() {
    local want=$1 deadline=$((SECONDS + $2)) p all
    while [ "$SECONDS" -lt "$deadline" ]; do
        all=1
        for p in "${PORTS[@]}"; do
            if [ "$(cli "$p" cluster info | tr -d '\r' | grep '^cluster_state:')" != "cluster_state:$want" ]; then
                all=0
                break
            fi
        done
        [ "$all" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}

# --- create ---
create_out=$(timeout 60 "$CLI" --cluster create "127.0.0.1:${PORTS[0]}" "127.0.0.1:${PORTS[1]}" \
    "127.0.0.1:${PORTS[2]}" --cluster-yes 2>&1)
create_rc=$?
check_eq "redis-cli --cluster create exits 0" "0" "$create_rc"
check_match "--cluster create assigns 3 ranges of slots to 3 masters" \
    'Master\[0\] -> Slots 0 - 5460' "$create_out"
check_match "--cluster create ends with all 16384 slots covered" \
    '\[OK\] All 16384 slots covered\.' "$create_out"
if wait_state ok 30; then
    ok "cluster_state:ok on every node"
else
    not_ok "cluster_state:ok on every node" "$(for p in "${PORTS[@]}"; do cli "$p" cluster nodes; done | tr '\n' ' ')"
fi
check_eq "CLUSTER INFO: 3 known nodes" "cluster_known_nodes:3" \
    "$(cli "${PORTS[2]}" cluster info | tr -d '\r' | grep '^cluster_known_nodes:')"
check_eq "CLUSTER INFO: cluster_size 3" "cluster_size:3" \
    "$(cli "${PORTS[1]}" cluster info | tr -d '\r' | grep '^cluster_size:')"
check_eq "CLUSTER NODES lists 3 masters on every node" "3 3 3" \
    "$(for p in "${PORTS[@]}"; do cli "$p" cluster nodes | grep -cE '[ ,]master '; done | tr '\n' ' ' | sed 's/ $//')"

# --- check / info ---
check_out=$(cli "${PORTS[0]}" --cluster check "127.0.0.1:${PORTS[0]}")
check_match "--cluster check: all nodes agree about slots" \
    '\[OK\] All nodes agree about slots configuration\.' "$check_out"
check_match "--cluster check: all 16384 slots covered" '\[OK\] All 16384 slots covered\.' "$check_out"
if printf '%s' "$check_out" | grep -q '\[ERR\]\|\[WARNING\]'; then
    not_ok "--cluster check reports no [ERR] or [WARNING]" "$(printf '%s' "$check_out" | grep '\[ERR\]\|\[WARNING\]' | head -n 3 | tr '\n' ' ')"
else
    ok "--cluster check reports no [ERR] or [WARNING]"
fi
info_out=$(cli "${PORTS[0]}" --cluster info "127.0.0.1:${PORTS[0]}")
check_eq "--cluster info lists 3 masters, each with slots and 0 replicas" "3" \
    "$(printf '%s\n' "$info_out" | grep -Ec '^127\.0\.0\.1:168[0-9]{2} \([0-9a-f]{8}\.\.\.\) -> 0 keys \| [0-9]+ slots \| 0 slaves\.$')"
check_match "--cluster info sums 0 keys in 3 masters" '\[OK\] 0 keys in 3 masters\.' "$info_out"

# --- redis-cli -c follows MOVED ---
set_fail=""
for i in $(seq 1 30); do
    r=$(timeout 20 "$CLI" -c -p "${PORTS[0]}" set "key:$i" "value:$i" 2>&1)
    [ "$r" = "OK" ] || set_fail="$set_fail key:$i=$r"
done
check_eq "redis-cli -c -p P1 SET of 30 keys (all slots' owners) replies OK" "" "$set_fail"
get_fail=""
for i in $(seq 1 30); do
    r=$(timeout 20 "$CLI" -c -p "${PORTS[2]}" get "key:$i" 2>&1)
    [ "$r" = "value:$i" ] || get_fail="$get_fail key:$i=$r"
done
check_eq "redis-cli -c -p P3 GET of the 30 keys returns every value" "" "$get_fail"
sizes=$(for p in "${PORTS[@]}"; do cli "$p" dbsize; done | tr '\n' ' ' | sed 's/ $//')
check_eq "the keys were spread over all 3 masters (DBSIZE per node sums to 30)" "30" \
    "$(echo "$sizes" | tr ' ' '\n' | awk '{ s += $1 } END { print s }')"
check_match "every master holds some of the keys (DBSIZE $sizes)" '^[1-9][0-9]* [1-9][0-9]* [1-9][0-9]*$' "$sizes"

# Without -c, redis-cli prints the redirect: find a key P1 does not own.
slot1=$(cli "${PORTS[0]}" cluster keyslot key:1 | tr -d '\r')
owner_port=""
for i in $(seq 1 30); do
    r=$(cli "${PORTS[0]}" get "key:$i")
    case $r in
        MOVED*) moved=$r; moved_key=key:$i; break ;;
    esac
done
if [ -n "${moved_key:-}" ]; then
    slot=$(cli "${PORTS[0]}" cluster keyslot "$moved_key" | tr -d '\r')
    owner_port=$(printf '%s' "$moved" | sed 's/.*://')
    check_eq "without -c, GET of a key owned elsewhere prints MOVED <slot> 127.0.0.1:<port>" \
        "MOVED $slot 127.0.0.1:$owner_port" "$moved"
    check_eq "the MOVED target really holds the key" "value:${moved_key#key:}" \
        "$(cli "$owner_port" get "$moved_key")"
else
    not_ok "without -c, GET of a key owned elsewhere prints MOVED" "no key redirected (slot of key:1: $slot1)"
fi
check_eq "a multi-key command across slots prints CROSSSLOT" \
    "CROSSSLOT Keys in request don't hash to the same slot" "$(cli "${PORTS[0]}" mget key:1 key:2 key:3 key:4)"
check_eq "redis-cli -c MSET with one {tag} replies OK" "OK" \
    "$(timeout 20 "$CLI" -c -p "${PORTS[1]}" mset '{u1}a' 1 '{u1}b' 2 2>&1)"
check_eq "redis-cli -c MGET with one {tag} returns both values" $'1\n2' \
    "$(timeout 20 "$CLI" -c -p "${PORTS[0]}" mget '{u1}a' '{u1}b' 2>&1)"

# --- redis-benchmark --cluster ---
sizes_before=$(for p in "${PORTS[@]}"; do cli "$p" dbsize; done | tr '\n' ' ' | sed 's/ $//')
bench_out=$(timeout 120 "$BENCH" --cluster -p "${PORTS[0]}" -t set,get -n 20000 -q 2>&1 | tr '\r' '\n')
bench_rc=$?
check_eq "redis-benchmark --cluster exits 0" "0" "$bench_rc"
check_match "redis-benchmark --cluster finds 3 master nodes" 'Cluster has 3 master nodes' "$bench_out"
for t in SET GET; do
    rate=$(printf '%s\n' "$bench_out" | grep -E "^$t: [0-9.]+ requests per second" | tail -n 1 | awk '{ print $2 }')
    if awk -v r="${rate:-0}" 'BEGIN { exit !(r + 0 > 0) }'; then
        ok "redis-benchmark --cluster $t reports a positive rate ($rate req/s)"
    else
        not_ok "redis-benchmark --cluster $t reports a positive rate" "$(printf '%s' "$bench_out" | tail -n 3 | tr '\n' ' ')"
    fi
done
alive=""
for p in "${PORTS[@]}"; do
    server_alive "$p" || alive="$alive $p"
done
check_eq "every node still answers PING after the benchmark" "" "$alive"
if wait_state ok 10; then
    ok "cluster_state:ok on every node after the benchmark"
else
    not_ok "cluster_state:ok on every node after the benchmark" "see CLUSTER INFO"
fi
# In cluster mode redis-benchmark puts a {tag} of each master in its key, so every master
# gets a new key.
sizes=$(for p in "${PORTS[@]}"; do cli "$p" dbsize; done | tr '\n' ' ' | sed 's/ $//')
grown=$(paste -d' ' <(echo "$sizes_before" | tr ' ' '\n') <(echo "$sizes" | tr ' ' '\n') |
    awk '$2 > $1 { n++ } END { print n + 0 }')
check_eq "the benchmark's SETs landed on every master (DBSIZE $sizes_before -> $sizes)" "3" "$grown"

finish
