#!/usr/bin/env bash
# Interop suite: a cluster of 3 masters with 1 replica each, made of the server under test
# ($SLOTCACHE_SERVER) by Debian's redis-cli 7 (`--cluster create ... --cluster-replicas 1`), the
# way an operator builds one.
#
# What: six empty cluster-enabled nodes; `--cluster create` answered "yes" by --cluster-yes (it
# assigns slots to 3 masters, then CLUSTER REPLICATE on the other 3); cluster_state:ok on all 6;
# CLUSTER NODES on every node shows 3 masters and 3 "slave <master-id>" lines naming those
# masters; `--cluster check` clean; each replica's INFO replication shows master_link_status:up
# and the master_host/master_port of the master CLUSTER NODES names; 1,000 keys written through
# `redis-cli -c` reach every replica (same DBSIZE as its master once the offsets match, read on a
# READONLY connection); a replica answers a key read with MOVED to its master unless READONLY.
# Approach: lib.bash's start_server with cluster flags, outputs compared as text; every wait is
# polled with a deadline, every tool runs under `timeout`.
# Rejected: failover checks (CLUSTER FAILOVER, a killed master): the cluster test suite owns
# those; this suite checks what redis-cli builds and reports.
# Ports: 20100-20105 (cluster bus 30100-30105).

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

PORTS=(20100 20101 20102 20103 20104 20105)
CLUSTER_FLAGS=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000)
KEYS=1000

for p in "${PORTS[@]}"; do
    if ! start_server "$p" "${CLUSTER_FLAGS[@]}"; then
        not_ok "cluster node starts on port $p" "see log above"
        finish
    fi
done
ok "6 empty cluster nodes start on ports ${PORTS[*]}"

# nodes PORT: CLUSTER NODES as seen by that node, without CRs.
nodes() {
    cli "$1" cluster nodes | tr -d '\r'
}

# repl PORT NAME: one INFO replication field's value.
repl() {
    cli "$1" info replication | tr -d '\r' | grep "^$2:" | cut -d: -f2-
}

# oneline: stdin's lines joined by spaces, CRs and trailing blanks dropped.
oneline() {
    tr -d '\r' | tr '\n' ' ' | sed 's/ *$//'
}

# session PORT COMMAND...: the commands (one line each) sent in one redis-cli session from
# stdin, as a user pipes them; the replies as one line.
session() {
    local port=$1
    shift
    printf '%s\n' "$@" | cli "$port" | oneline
}

# wait_for TIMEOUT_S COMMAND...: polls COMMAND every 0.1 s until it succeeds or the deadline.
wait_for() {
    local deadline=$((SECONDS + $1))
    shift
    while [ "$SECONDS" -lt "$deadline" ]; do
        "$@" && return 0
        sleep 0.1
    done
    "$@"
}

all_state_ok() {
    local p
    for p in "${PORTS[@]}"; do
        [ "$(cli "$p" cluster info | tr -d '\r' | grep '^cluster_state:')" = "cluster_state:ok" ] ||
            return 1
    done
}

# topology_ok PORT: that node's CLUSTER NODES has 3 masters and 3 replicas, each replica naming
# one of the masters, each master having exactly one replica.
topology_ok() {
    nodes "$1" | awk '
        $3 ~ /master/ { masters[$1] = 1; nm++ }
        $3 ~ /slave/  { replica_of[$1] = $4; ns++ }
        END {
            if (nm != 3 || ns != 3) exit 1
            for (r in replica_of) {
                if (!(replica_of[r] in masters)) exit 1
                seen[replica_of[r]]++
            }
            for (m in masters) if (seen[m] != 1) exit 1
            exit 0
        }'
}

all_topology_ok() {
    local p
    for p in "${PORTS[@]}"; do
        topology_ok "$p" || return 1
    done
}

# --- create ---
addrs=()
for p in "${PORTS[@]}"; do
    addrs+=("127.0.0.1:$p")
done
create_out=$(timeout 90 "$CLI" --cluster create "${addrs[@]}" --cluster-replicas 1 \
    --cluster-yes 2>&1)
create_rc=$?
check_eq "redis-cli --cluster create --cluster-replicas 1 exits 0" "0" "$create_rc"
adding='^Adding replica 127\.0\.0\.1:[0-9]+ to 127\.0\.0\.1:[0-9]+$'
check_eq "--cluster create adds 3 replicas" "3" "$(grep -Ec "$adding" <<<"$create_out")"
check_match "--cluster create ends with all 16384 slots covered" \
    '\[OK\] All 16384 slots covered\.' "$create_out"
if wait_for 30 all_state_ok; then
    ok "cluster_state:ok on all 6 nodes"
else
    not_ok "cluster_state:ok on all 6 nodes" \
        "$(for p in "${PORTS[@]}"; do cli "$p" cluster info | grep state; done | oneline)"
fi
if wait_for 30 all_topology_ok; then
    ok "CLUSTER NODES on every node: 3 masters, 3 'slave <master-id>' lines, one per master"
else
    not_ok "CLUSTER NODES on every node: 3 masters, 3 'slave <master-id>' lines, one per master" \
        "$(for p in "${PORTS[@]}"; do echo "[$p]"; nodes "$p" | cut -d' ' -f1-4; done | oneline)"
fi
check_eq "CLUSTER INFO: 6 known nodes, cluster_size 3" "cluster_known_nodes:6 cluster_size:3" \
    "$(cli "${PORTS[5]}" cluster info | grep -E '^cluster_(known_nodes|size):' | oneline)"

# The topology as node 1 sees it: "replica-port master-port master-id" per replica.
pairs=$(nodes "${PORTS[0]}" | awk '
    { split($2, a, "[:@]"); port[$1] = a[2] }
    $3 ~ /slave/ { rep[$1] = $4 }
    END { for (r in rep) print port[r], port[rep[r]], rep[r] }' | sort)
check_eq "CLUSTER NODES names 3 replica -> master pairs" "3" \
    "$(printf '%s\n' "$pairs" | grep -c .)"

# --- check ---
check_out=$(cli "${PORTS[0]}" --cluster check "127.0.0.1:${PORTS[0]}")
check_match "--cluster check: all nodes agree about slots" \
    '\[OK\] All nodes agree about slots configuration\.' "$check_out"
check_match "--cluster check: all 16384 slots covered" \
    '\[OK\] All 16384 slots covered\.' "$check_out"
master_line='^127\.0\.0\.1:[0-9]+ \([0-9a-f]{8}\.\.\.\) -> 0 keys \| [0-9]+ slots \| 1 slaves\.$'
check_eq "--cluster check: 3 masters with 1 replica each" "3" \
    "$(printf '%s\n' "$check_out" | grep -Ec "$master_line")"
if printf '%s' "$check_out" | grep -q '\[ERR\]\|\[WARNING\]'; then
    not_ok "--cluster check reports no [ERR] or [WARNING]" \
        "$(printf '%s\n' "$check_out" | grep '\[ERR\]\|\[WARNING\]' | head -n 3 | oneline)"
else
    ok "--cluster check reports no [ERR] or [WARNING]"
fi

# --- replication links ---
link_up() {
    [ "$(repl "$1" master_link_status)" = "up" ]
}
while read -r rport mport mid; do
    [ -n "$rport" ] || continue
    if wait_for 20 link_up "$rport"; then
        ok "replica $rport: master_link_status:up"
    else
        not_ok "replica $rport: master_link_status:up" "$(cli "$rport" info replication | oneline)"
    fi
    check_eq "replica $rport: role, master_host/port of its master ${mid:0:8} in CLUSTER NODES" \
        "slave 127.0.0.1 $mport" \
        "$(repl "$rport" role) $(repl "$rport" master_host) $(repl "$rport" master_port)"
    check_eq "master $mport: connected_slaves:1 (port $rport)" "1 port=$rport" \
        "$(repl "$mport" connected_slaves) $(repl "$mport" slave0 | grep -o 'port=[0-9]*')"
done <<<"$pairs"

# --- data through redis-cli -c ---
for i in $(seq 1 "$KEYS"); do
    echo "SET key:$i value:$i"
done >"$INTEROP_TMP/sets.txt"
set_out=$(timeout 120 "$CLI" -c -p "${PORTS[0]}" <"$INTEROP_TMP/sets.txt" 2>&1)
check_eq "redis-cli -c: $KEYS SETs from stdin all reply OK" "$KEYS" \
    "$(printf '%s\n' "$set_out" | grep -c '^OK$')"
msizes=0
for p in $(printf '%s\n' "$pairs" | awk '{ print $2 }'); do
    msizes=$((msizes + $(cli "$p" dbsize)))
done
check_eq "the 3 masters hold the $KEYS keys between them" "$KEYS" "$msizes"

# in_sync RPORT MPORT: the replica applied the master's whole stream and holds as many keys.
in_sync() {
    local mo ro md rd
    mo=$(repl "$2" master_repl_offset)
    ro=$(repl "$1" master_repl_offset)
    md=$(cli "$2" dbsize)
    rd=$(session "$1" READONLY DBSIZE)
    [ -n "$mo" ] && [ "$mo" = "$ro" ] && [ "OK $md" = "$rd" ]
}
while read -r rport mport mid; do
    [ -n "$rport" ] || continue
    if wait_for 20 in_sync "$rport" "$mport"; then
        ok "replica $rport: same offset and DBSIZE ($(cli "$mport" dbsize)) as master $mport"
    else
        not_ok "replica $rport: same offset and DBSIZE as master $mport" \
            "offsets $(repl "$mport" master_repl_offset)/$(repl "$rport" master_repl_offset), \
DBSIZE $(cli "$mport" dbsize)/READONLY+DBSIZE $(session "$rport" READONLY DBSIZE)"
    fi
done <<<"$pairs"

# --- reads on a replica ---
read -r rport mport mid <<<"$(printf '%s\n' "$pairs" | head -n 1)"
# A key of that replica's master's slots.
key=""
for i in $(seq 1 "$KEYS"); do
    case $(cli "$mport" get "key:$i") in
        "value:$i") key=key:$i; break ;;
    esac
done
if [ -z "$key" ]; then
    not_ok "a key of master $mport found" "no key of the first $KEYS answered on $mport"
else
    slot=$(cli "$mport" cluster keyslot "$key" | tr -d '\r')
    check_eq "GET $key on replica $rport without READONLY: MOVED to its master" \
        "MOVED $slot 127.0.0.1:$mport" "$(cli "$rport" get "$key")"
    check_eq "READONLY then GET $key on replica $rport in one session: OK, the value" \
        "OK value:${key#key:}" "$(session "$rport" READONLY "GET $key")"
    check_eq "READONLY, READWRITE, GET $key on replica $rport: MOVED again" \
        "OK OK MOVED $slot 127.0.0.1:$mport" "$(session "$rport" READONLY READWRITE "GET $key")"
    check_eq "redis-cli -c GET $key through the replica follows MOVED to the value" \
        "value:${key#key:}" "$(timeout 20 "$CLI" -c -p "$rport" get "$key" 2>&1)"
    check_eq "SET $key on replica $rport after READONLY: still MOVED (writes go to the master)" \
        "OK MOVED $slot 127.0.0.1:$mport" "$(session "$rport" READONLY "SET $key x")"
fi
alive=""
for p in "${PORTS[@]}"; do
    server_alive "$p" || alive="$alive $p"
done
check_eq "every node still answers PING" "" "$alive"

finish
