#!/usr/bin/env bash
# Interop suite: `slotcache-cli --cluster`, the cluster manager, driving a cluster of the server
# under test ($SLOTCACHE_SERVER) the way an operator does: create with replicas, check, info,
# call, add a master and a replica, reshard by count and by percentage, rebalance with weights,
# delete a replica and a master, fix a deliberately broken cluster (uncovered slots, open
# slots), set-timeout, backup, and the REDISCLI_CLUSTER_YES variable.
# Everything here moves slots without keys, so it needs no MIGRATE; what moves keys (reshard
# and rebalance with keys, fix of keys in the wrong slot, import) is cluster_manager_migrate.sh.
# Approach: lib.bash's servers; outputs compared as text with TERM=dumb (the manager colours its
# lines when $TERM names an xterm, as redis-cli does); after every change the suite polls
# `--cluster check` until the nodes agree, as an operator would, before the next step.
# Ports: 13300-13307 (cluster bus 23300-23307).

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

SCLI=${SLOTCACHE_CLI:-$INTEROP_REPO/src/slotcache-cli}
export TERM=dumb
unset REDISCLI_CLUSTER_YES SLOTCACHE_CLI_CLUSTER_YES
PORTS=(13300 13301 13302 13303 13304 13305 13306 13307)
CLUSTER_FLAGS=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000)

for p in "${PORTS[@]}"; do
    if ! start_server "$p" "${CLUSTER_FLAGS[@]}"; then
        not_ok "cluster node starts on port $p" "see log above"
        finish
    fi
done
ok "8 empty cluster nodes start on ports ${PORTS[0]}-${PORTS[7]}"

# mgr ARGS...: the cluster manager, bounded in time, stdin closed.
mgr() {
    timeout 120 "$SCLI" --cluster "$@" </dev/null 2>&1
}

myid() {
    cli "$1" cluster myid | tr -d '\r'
}

# slots_of PORT: how many slots the node serves in its own view.
slots_of() {
    cli "$1" cluster nodes | awk '/myself/ {
        n = 0
        for (i = 9; i <= NF; i++) {
            if ($i ~ /^\[/) continue
            split($i, r, "-"); if (r[2] == "") r[2] = r[1]; n += r[2] - r[1] + 1
        }
        print n }'
}

# wait_agree PORT SECONDS: `--cluster check` from PORT passes (agreement, coverage, no open slot).
wait_agree() {
    local deadline=$((SECONDS + $2))
    while [ "$SECONDS" -lt "$deadline" ]; do
        timeout 20 "$SCLI" --cluster check "127.0.0.1:$1" >/dev/null 2>&1 </dev/null && return 0
        sleep 0.1
    done
    return 1
}

# wait_cmd SECONDS COMMAND...: polls until COMMAND succeeds.
wait_cmd() {
    local deadline=$((SECONDS + $1))
    shift
    while [ "$SECONDS" -lt "$deadline" ]; do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

P0=${PORTS[0]}
SEED=127.0.0.1:$P0

# --- create ---
create_out=$(mgr create 127.0.0.1:13300 127.0.0.1:13301 127.0.0.1:13302 127.0.0.1:13303 \
    127.0.0.1:13304 127.0.0.1:13305 --cluster-replicas 1 --cluster-yes)
check_eq "create --cluster-replicas 1 --cluster-yes exits 0" "0" "$?"
check_match "create prints redis-cli's slot allocation" \
    'Master\[0\] -> Slots 0 - 5460.*Master\[1\] -> Slots 5461 - 10922.*Master\[2\] -> Slots 10923 - 16383' \
    "$(printf '%s' "$create_out" | tr '\n' ' ')"
check_eq "create pairs 3 replicas with masters" "3" \
    "$(printf '%s\n' "$create_out" | grep -c '^Adding replica 127.0.0.1:1330[0-5] to 127.0.0.1:1330[0-5]$')"
check_match "all nodes on one host: the anti-affinity warning" \
    '\[WARNING\] Some slaves are in the same host as their master' "$create_out"
check_match "create sets config epochs, MEETs and waits for the join" \
    'Assign a different config epoch to each node.*Sending CLUSTER MEET messages.*Waiting for the cluster to join' \
    "$(printf '%s' "$create_out" | tr '\n' ' ')"
check_match "create ends with its check: all slots covered" '\[OK\] All 16384 slots covered\.' \
    "$create_out"
roles=$(for p in 13300 13301 13302 13303 13304 13305; do cli "$p" cluster nodes | grep myself | awk '{ print $3 }'; done | sed 's/myself,//' | sort | uniq -c | awk '{ print $1 " " $2 }' | tr '\n' ',')
check_eq "3 masters and 3 replicas, each in its own view" "3 master,3 slave," "$roles"
bad_master=""
for p in 13300 13301 13302 13303 13304 13305; do
    line=$(cli "$p" cluster nodes | grep myself)
    case $line in
        *slave*)
            m=$(echo "$line" | awk '{ print $4 }')
            cli "$P0" cluster nodes | grep "^$m " | grep -q master || bad_master="$bad_master $p"
            ;;
    esac
done
check_eq "every replica replicates a master" "" "$bad_master"
epochs=$(for p in 13300 13301 13302; do cli "$p" cluster nodes | grep myself | awk '{ print $7 }'; done | sort -u | wc -l)
check_eq "the 3 masters have distinct config epochs" "3" "$epochs"

if wait_agree "$P0" 20; then ok "the new cluster passes --cluster check"; else not_ok "the new cluster passes --cluster check" "$(mgr check "$SEED" | grep -E 'ERR|WARN' | head -3)"; fi

# --- check / info / call ---
check_out=$(mgr check "$SEED")
check_eq "check exits 0" "0" "$?"
check_eq "check lists 3 masters with 1 slave each" "3" \
    "$(printf '%s\n' "$check_out" | grep -Ec '^127\.0\.0\.1:1330[0-5] \([0-9a-f]{8}\.\.\.\) -> 0 keys \| 546[12] slots \| 1 slaves\.$')"
check_match "check: all nodes agree" '\[OK\] All nodes agree about slots configuration\.' "$check_out"
info_out=$(mgr info 127.0.0.1 13301)
check_match "info with host and port as two words" '\[OK\] 0 keys in 3 masters\.' "$info_out"
check_match "info prints the average" '0\.00 keys per slot on average\.' "$info_out"
call_out=$(mgr call "$SEED" ping)
check_eq "call ping reaches all 6 nodes" "6" "$(printf '%s\n' "$call_out" | grep -c '^127\.0\.0\.1:1330[0-5]: PONG$')"
check_eq "call --cluster-only-masters reaches 3" "3" \
    "$(mgr call "$SEED" ping --cluster-only-masters | grep -c ': PONG$')"
check_eq "call --cluster-only-replicas reaches 3" "3" \
    "$(mgr call "$SEED" role --cluster-only-replicas | grep -c ': slave$')"

# --- errors with redis-cli's words and exit codes ---
out=$(mgr create 127.0.0.1:13300 127.0.0.1:13306 127.0.0.1:13307)
check_eq "create on a node of a cluster exits 1" "1" "$?"
check_match "create names the non-empty node" '\[ERR\] Node 127\.0\.0\.1:13300 is not empty\.' "$out"
out=$(mgr check)
check_eq "a subcommand without its arguments exits 1" "1" "$?"
check_eq "... with redis-cli's message" "[ERR] Wrong number of arguments for specified --cluster sub command" "$out"
check_eq "an unknown subcommand" "Unknown --cluster subcommand" "$(mgr nosuch 1:2)"
check_match "a refused connection" 'Could not connect to Redis at 127\.0\.0\.1:13399: Connection refused' \
    "$(mgr check 127.0.0.1:13399)"

# --- add-node: a master, then a replica of it ---
N6=127.0.0.1:13306
out=$(mgr add-node "$N6" "$SEED")
check_eq "add-node (master) exits 0" "0" "$?"
check_match "add-node sends MEET and reports success" \
    'Send CLUSTER MEET to node 127\.0\.0\.1:13306.*\[OK\] New node added correctly\.' "$(printf '%s' "$out" | tr '\n' ' ')"
ID6=$(myid 13306)
if wait_cmd 20 sh -c "'$CLI' -p $P0 cluster nodes | grep -q '^$ID6 .* master '"; then
    ok "the new master is known to the cluster"
else
    not_ok "the new master is known to the cluster" "$(cli "$P0" cluster nodes | tr '\n' '|')"
fi
wait_agree "$P0" 20
out=$(mgr add-node 127.0.0.1:13307 "$SEED" --cluster-replica --cluster-master-id "$ID6")
check_eq "add-node --cluster-replica --cluster-master-id exits 0" "0" "$?"
check_match "add-node configures the replica" 'Configure node as replica of 127\.0\.0\.1:13306\.' "$out"
check_eq "13307 replicates the new master" "$ID6" "$(cli 13307 cluster nodes | grep myself | awk '{ print $4 }')"
wait_agree "$P0" 20

# --- reshard: by count, then by percentage ---
out=$(mgr reshard "$SEED" --cluster-from all --cluster-to "$ID6" --cluster-slots 50 --cluster-yes)
check_eq "reshard --cluster-slots 50 exits 0" "0" "$?"
check_match "reshard shows its plan" 'Ready to move 50 slots\.' "$out"
check_eq "reshard moves 50 slots, one line each (not a terminal)" "50" \
    "$(printf '%s\n' "$out" | grep -c '^Moving slot [0-9]* from 127\.0\.0\.1:1330[0-5] to 127\.0\.0\.1:13306: $')"
check_eq "the new master serves 50 slots" "50" "$(slots_of 13306)"
if wait_agree "$P0" 20; then ok "check passes after the reshard"; else not_ok "check passes after the reshard" "nodes disagree"; fi
out=$(mgr reshard "$SEED" --cluster-from all --cluster-to "$ID6" --cluster-slots 0.5% --cluster-yes)
check_eq "reshard --cluster-slots 0.5% exits 0" "0" "$?"
check_match "0.5% of 16384 slots is 82" 'Ready to move 82 slots\.' "$out"
check_eq "the new master serves 132 slots" "132" "$(slots_of 13306)"
wait_agree "$P0" 20
out=$(mgr reshard "$SEED" --cluster-from all --cluster-to "$ID6" --cluster-slots 150% --cluster-yes)
check_eq "reshard rejects --cluster-slots 150%" "1" "$?"
out=$(REDISCLI_CLUSTER_YES=1 timeout 60 "$SCLI" --cluster reshard "$SEED" --cluster-from all \
    --cluster-to "$ID6" --cluster-slots 6 </dev/null 2>&1)
check_eq "REDISCLI_CLUSTER_YES=1 answers the reshard question" "0" "$?"
wait_agree "$P0" 20
out=$(SLOTCACHE_CLI_CLUSTER_YES=1 timeout 60 "$SCLI" --cluster reshard "$SEED" --cluster-from all \
    --cluster-to "$ID6" --cluster-slots 6 </dev/null 2>&1)
check_eq "SLOTCACHE_CLI_CLUSTER_YES=1 does too" "0" "$?"
check_eq "the new master serves 144 slots" "144" "$(slots_of 13306)"
wait_agree "$P0" 20
out=$(mgr reshard "$SEED" --cluster-from all --cluster-to "$ID6" --cluster-slots 6)
check_eq "without yes and with no answer, reshard stops (exit 1)" "1" "$?"
check_match "... after asking" 'Do you want to proceed with the proposed reshard plan \(yes/no\)\?' "$out"
wait_agree "$P0" 20

# --- rebalance: a weight that gives the new master about 50 more slots ---
cur=$(slots_of 13306)
w=$(awk -v c="$cur" 'BEGIN { t = c + 50; printf "%.4f", 3 * t / (16384 - t) }')
sim=$(mgr rebalance "$SEED" --cluster-weight "${ID6:0:8}=$w" --cluster-simulate)
check_eq "rebalance --cluster-simulate exits 0" "0" "$?"
check_match "the simulation plans moves to the new master" 'Moving [0-9]+ slots from 127\.0\.0\.1:1330[0-2] to 127\.0\.0\.1:13306' "$sim"
check_eq "... and moves nothing" "$cur" "$(slots_of 13306)"
out=$(mgr rebalance "$SEED" --cluster-weight "${ID6:0:8}=$w")
check_eq "rebalance --cluster-weight exits 0" "0" "$?"
check_match "rebalance reports the weights" 'Rebalancing across 4 nodes\. Total weight = 3\.0' "$out"
after=$(slots_of 13306)
if [ "$after" -ge $((cur + 40)) ] && [ "$after" -le $((cur + 60)) ]; then
    ok "the new master gained about 50 slots ($cur -> $after)"
else
    not_ok "the new master gained about 50 slots" "$cur -> $after"
fi
if wait_agree "$P0" 20; then ok "check passes after the rebalance"; else not_ok "check passes after the rebalance" "nodes disagree"; fi
check_match "a second rebalance has nothing to do" 'No rebalancing needed! All nodes are within the 2\.00% threshold\.' \
    "$(mgr rebalance "$SEED" --cluster-weight "${ID6:0:8}=$w")"

# --- del-node: the replica, then the master once its slots are gone ---
ID7=$(myid 13307)
out=$(mgr del-node "$SEED" "$ID7")
check_eq "del-node of a replica exits 0" "0" "$?"
check_match "del-node sends FORGET and RESET" 'Sending CLUSTER FORGET messages.*Sending CLUSTER RESET SOFT to the deleted node\.' \
    "$(printf '%s' "$out" | tr '\n' ' ')"
check_eq "the deleted node knows only itself" "1" "$(cli 13307 cluster nodes | wc -l)"
if wait_cmd 10 sh -c "! '$CLI' -p $P0 cluster nodes | grep -q '^$ID7 '"; then ok "the cluster forgot the replica"; else not_ok "the cluster forgot the replica" "still listed"; fi
out=$(mgr del-node "$SEED" "$ID6")
check_eq "del-node of a master with slots exits 1" "1" "$?"
check_match "... and says why" '\[ERR\] Node 127\.0\.0\.1:13306 is not empty! Reshard data away and try again\.' "$out"
ID0=$(myid "$P0")
n6=$(slots_of 13306)
wait_agree "$P0" 20
out=$(mgr reshard "$SEED" --cluster-from "$ID6" --cluster-to "$ID0" --cluster-slots "$n6" --cluster-yes)
rc=$?
check_eq "reshard of all the master's slots back exits 0" "0" "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out" | grep -v '^    Moving\|^Moving' | sed 's/^/#   /' | tail -n 30
check_eq "the master serves no slot" "0" "$(slots_of 13306)"
wait_agree "$P0" 20
out=$(mgr del-node "$SEED" "$ID6")
check_eq "del-node of the empty master exits 0" "0" "$?"
if wait_cmd 10 sh -c "! '$CLI' -p $P0 cluster nodes | grep -q '^$ID6 '"; then ok "the cluster forgot the master"; else not_ok "the cluster forgot the master" "still listed"; fi
out=$(mgr del-node "$SEED" 0123456789012345678901234567890123456789)
check_eq "del-node of an unknown ID" "[ERR] No such node ID 0123456789012345678901234567890123456789" \
    "$(printf '%s\n' "$out" | tail -n 1)"
wait_agree "$P0" 20

# --- fix: uncovered slots (every node forgets them), then open slots ---
for p in 13300 13301 13302 13303 13304 13305; do cli "$p" cluster delslots 7000 7001 7002 >/dev/null; done
out=$(mgr check "$SEED")
check_eq "check of a cluster with uncovered slots exits 1" "1" "$?"
check_match "... and reports them" '\[ERR\] Not all 16384 slots are covered by nodes\.' "$out"
out=$(mgr fix "$SEED" --cluster-yes)
check_eq "fix asks even with --cluster-yes, and without a yes fixes nothing (exit 1)" "1" "$?"
check_match "fix lists the slots" 'The following uncovered slots have no keys across the cluster:.\[7000-7002\]' \
    "$(printf '%s' "$out" | tr '\n' '.')"
out=$(echo yes | timeout 60 "$SCLI" --cluster fix "$SEED" 2>&1)
check_eq "fix with a yes exits 0" "0" "$?"
# (the first line follows the question: no newline is echoed when stdin is not a terminal)
check_eq "fix covers the 3 slots with masters" "3" \
    "$(printf '%s\n' "$out" | grep -o '>>> Covering slot 700[0-2] with 127\.0\.0\.1:1330[0-2]$' | wc -l)"
if wait_agree "$P0" 20; then ok "the fixed cluster passes check"; else not_ok "the fixed cluster passes check" "$(mgr check "$SEED" | grep -E 'ERR|WARN' | head -3 | tr '\n' ' ')"; fi

owner_of() {  # owner_of SLOT: the port of the master serving SLOT
    cli "$P0" cluster nodes | awk -v s="$1" '$3 ~ /master/ {
        for (i = 9; i <= NF; i++) { split($i, r, "-"); if (r[2] == "") r[2] = r[1]
            if (s + 0 >= r[1] + 0 && s + 0 <= r[2] + 0) { split($2, a, "[:@]"); print a[2] } } }'
}
o=$(owner_of 100)
other=13300; [ "$o" = 13300 ] && other=13301
cli "$o" cluster setslot 100 migrating "$(myid "$other")" >/dev/null
out=$(mgr check "$SEED")
check_match "check reports the open slot" '\[WARNING\] The following slots are open: 100\.' "$out"
out=$(mgr fix "$SEED")
check_eq "fix of a slot left migrating exits 0" "0" "$?"
check_match "... by closing it (Case 4)" ">>> Case 4: Closing slot 100 on 127\.0\.0\.1:$o" "$out"
o=$(owner_of 200)
other=13300; [ "$o" = 13300 ] && other=13301
cli "$other" cluster setslot 200 importing "$(myid "$o")" >/dev/null
cli "$o" cluster setslot 200 migrating "$(myid "$other")" >/dev/null
out=$(mgr fix "$SEED")
check_eq "fix of a slot left half moved exits 0" "0" "$?"
check_match "... by finishing the move (Case 1)" ">>> Case 1: Moving slot 200 from 127\.0\.0\.1:$o to 127\.0\.0\.1:$other" "$out"
owner_is() {  # owner_is SLOT PORT
    [ "$(owner_of "$1")" = "$2" ]
}
if wait_cmd 10 owner_is 200 "$other"; then
    ok "slot 200 is served by the importing node"
else
    not_ok "slot 200 is served by the importing node" "owner $(owner_of 200)"
fi
if wait_agree "$P0" 20; then ok "check passes after the open slots are fixed"; else not_ok "check passes after the open slots are fixed" "$(mgr check "$SEED" | grep -E 'ERR|WARN' | head -3 | tr '\n' ' ')"; fi

# --- set-timeout ---
out=$(mgr set-timeout "$SEED" 3000)
check_eq "set-timeout exits 0" "0" "$?"
check_match "set-timeout reports per node" '>>> New node timeout set\. [0-9]+ OK, [0-9]+ ERR\.' "$out"
check_eq "every node runs with cluster-node-timeout 3000" "3000 3000 3000 3000 3000 3000" \
    "$(for p in 13300 13301 13302 13303 13304 13305; do cli "$p" config get cluster-node-timeout | tail -n 1; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "set-timeout refuses less than 100 ms" "Setting a node timeout of less than 100 milliseconds is a bad idea." \
    "$(mgr set-timeout "$SEED" 50)"

# --- backup ---
BK=$INTEROP_TMP/backup
mkdir -p "$BK"
out=$(mgr backup "$SEED" "$BK")
check_eq "backup exits 0" "0" "$?"
check_match "backup reports success" "\[OK\] Backup created into: $BK" "$out"
check_eq "backup writes one RDB per master" "3" "$(ls "$BK" | grep -c '^redis-node-127\.0\.0\.1-1330[0-5]-[0-9a-f]\{40\}\.rdb$')"
check_eq "nodes.json describes the 6 nodes" "6" \
    "$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$BK/nodes.json" 2>&1)"
rdb_ok=""
for f in "$BK"/*.rdb; do
    head -c 5 "$f" | grep -q '^REDIS' || rdb_ok="$rdb_ok $(basename "$f")"
done
check_eq "every backup file is an RDB" "" "$rdb_ok"

alive=""
for p in 13300 13301 13302 13303 13304 13305; do server_alive "$p" || alive="$alive $p"; done
check_eq "every node still answers PING" "" "$alive"

finish
