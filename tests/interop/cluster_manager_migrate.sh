#!/usr/bin/env bash
# Interop suite: the cluster manager's operations that move keys, all of which need MIGRATE on
# the servers: reshard (by count and by percentage) and rebalance of slots holding keys, the
# progress line of a reshard on a terminal, fix of keys in the wrong slot and of a half-moved
# slot, the value check of keys present on both sides (and --cluster-replace), and import from
# a standalone server (--cluster-copy, --cluster-replace).
# The manager is a client: when the server under test has no MIGRATE yet (COMMAND INFO
# MIGRATE answers nothing), these checks run against Debian's redis-server 7, so that they
# still test slotcache-cli; a "#" line says which server ran them. Once slotcache has MIGRATE,
# the same suite runs against slotcache unchanged.
# Approach: lib.bash's servers; keys written and read back through Debian's redis-cli -c (not
# the tool under test); every step waits for the nodes to agree before the next.
# Ports: 13320-13322 (cluster, bus 23320-23322) and 13329 (standalone import source).

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

SCLI=${SLOTCACHE_CLI:-$INTEROP_REPO/src/slotcache-cli}
export TERM=dumb
unset REDISCLI_CLUSTER_YES SLOTCACHE_CLI_CLUSTER_YES
PORTS=(13320 13321 13322)
SRC_PORT=13329
CLUSTER_FLAGS=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000)
KEYS=2000

# --- which server runs these checks ---
if ! start_server "$SRC_PORT"; then
    not_ok "standalone node starts on port $SRC_PORT" "see log above"
    finish
fi
if cli "$SRC_PORT" command info migrate | grep -qi migrate; then
    echo "# $SERVER has MIGRATE: the checks run against it"
else
    echo "# $SERVER has no MIGRATE (COMMAND INFO MIGRATE is empty): the checks run against" \
        "/usr/bin/redis-server, testing slotcache-cli alone"
    stop_servers
    SERVER=/usr/bin/redis-server
    if ! start_server "$SRC_PORT"; then
        not_ok "redis-server starts on port $SRC_PORT" "see log above"
        finish
    fi
fi
for p in "${PORTS[@]}"; do
    if ! start_server "$p" "${CLUSTER_FLAGS[@]}"; then
        not_ok "cluster node starts on port $p" "see log above"
        finish
    fi
done
ok "3 cluster nodes and a standalone node start ($SERVER)"

mgr() {
    timeout 120 "$SCLI" --cluster "$@" </dev/null 2>&1
}

myid() {
    cli "$1" cluster myid | tr -d '\r'
}

wait_agree() {
    local deadline=$((SECONDS + $2))
    while [ "$SECONDS" -lt "$deadline" ]; do
        timeout 20 "$SCLI" --cluster check "127.0.0.1:$1" >/dev/null 2>&1 </dev/null && return 0
        sleep 0.1
    done
    return 1
}

# owner_of SLOT: the port of the master serving SLOT.
owner_of() {
    cli "${PORTS[0]}" cluster nodes | awk -v s="$1" '$3 ~ /master/ {
        for (i = 9; i <= NF; i++) { if ($i ~ /^\[/) continue; split($i, r, "-"); if (r[2] == "") r[2] = r[1]
            if (s + 0 >= r[1] + 0 && s + 0 <= r[2] + 0) { split($2, a, "[:@]"); print a[2] } } }'
}

other_master() {  # other_master PORT: a master that is not PORT
    local p
    for p in "${PORTS[@]}"; do
        [ "$p" != "$1" ] && echo "$p" && return
    done
}

# keys_intact: every key:i reads back vi through redis-cli -c.
keys_intact() {
    local got
    got=$(seq 1 "$KEYS" | awk '{ print "GET key:" $1 }' | timeout 60 "$CLI" -c -p "${PORTS[1]}" 2>&1 |
        tr -d '\r' | grep -v '^-> Redirected')
    [ "$got" = "$(seq 1 "$KEYS" | awk '{ print "v" $1 }')" ]
}

total_keys() {
    local p n=0
    for p in "${PORTS[@]}"; do n=$((n + $(cli "$p" dbsize))); done
    echo "$n"
}

P0=${PORTS[0]}
SEED=127.0.0.1:$P0
out=$(mgr create 127.0.0.1:13320 127.0.0.1:13321 127.0.0.1:13322 --cluster-yes)
check_eq "create of 3 masters exits 0" "0" "$?"
if wait_agree "$P0" 20; then ok "the cluster passes check"; else not_ok "the cluster passes check" "nodes disagree"; fi
state_ok() {
    local p
    for p in "${PORTS[@]}"; do
        cli "$p" cluster info | tr -d '\r' | grep -q '^cluster_state:ok$' || return 1
    done
}
deadline=$((SECONDS + 20))
until state_ok || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.1; done
# key:1..3 get 5 more keys in their slots, so that their owner holds the most keys of those
# slots: `fix` keeps a slot on the node with the most keys (redis-cli's rule).
{
    seq 1 "$KEYS" | awk '{ print "SET key:" $1 " v" $1 }'
    for k in 1 2 3; do seq 1 5 | awk -v k="$k" '{ print "SET {key:" k "}pad" $1 " p" }'; done
} | timeout 60 "$CLI" -c -p "$P0" >/dev/null 2>&1
KEYS_ALL=$((KEYS + 15))
check_eq "$KEYS_ALL keys written through redis-cli -c" "$KEYS_ALL" "$(total_keys)"

# --- reshard with keys ---
ID2=$(myid 13322)
before=$(cli 13322 dbsize)
out=$(mgr reshard "$SEED" --cluster-from all --cluster-to "$ID2" --cluster-slots 200 --cluster-yes)
check_eq "reshard of 200 slots with keys exits 0" "0" "$?"
check_match "reshard prints a dot per key moved" '^Moving slot [0-9]+ from 127\.0\.0\.1:1332[01] to 127\.0\.0\.1:13322: \.+$' "$out"
after=$(cli 13322 dbsize)
if [ "$after" -gt "$before" ]; then ok "the keys moved with their slots ($before -> $after on the target)"; else not_ok "the keys moved with their slots" "$before -> $after"; fi
check_eq "no key lost or duplicated" "$KEYS_ALL" "$(total_keys)"
if keys_intact; then ok "every key reads back its value after the reshard"; else not_ok "every key reads back its value after the reshard" "values differ"; fi
wait_agree "$P0" 20
ID1=$(myid 13321)
ID0=$(myid 13320)
out=$(mgr reshard "$SEED" --cluster-from "$ID0" --cluster-to "$ID1" --cluster-slots 1% --cluster-yes)
check_eq "reshard --cluster-slots 1% with keys exits 0" "0" "$?"
check_match "1% is 164 slots" 'Ready to move 164 slots\.' "$out"
if keys_intact; then ok "every key reads back its value after the percentage reshard"; else not_ok "every key reads back its value after the percentage reshard" "values differ"; fi
wait_agree "$P0" 20

# --- the progress line on a terminal ---
if command -v script >/dev/null 2>&1; then
    tty_out=$(timeout 120 script -qec "TERM=dumb '$SCLI' --cluster reshard $SEED --cluster-from all --cluster-to $ID0 --cluster-slots 100 --cluster-yes" /dev/null 2>&1 </dev/null)
    check_match "on a terminal, reshard draws a progress line with keys/s and ETA" \
        'Resharding: [0-9]+/100 slots \([0-9]+%\), [0-9]+ keys, [0-9]+ keys/s, ETA [0-9:-]+' "$tty_out"
    check_match "... and ends with a summary" 'Resharding: 100 slots, [0-9]+ keys in [0-9.]+s \([0-9]+ keys/s\)' "$tty_out"
    if printf '%s' "$tty_out" | grep -q '^Moving slot [0-9]* from 127'; then
        not_ok "... instead of a line per slot" "per-slot lines printed"
    else
        ok "... instead of a line per slot"
    fi
    if keys_intact; then ok "every key reads back its value after the terminal reshard"; else not_ok "every key reads back its value after the terminal reshard" "values differ"; fi
    wait_agree "$P0" 20
else
    echo "# script(1) is missing: the progress line is not checked"
fi

# --- rebalance with keys ---
out=$(mgr rebalance "$SEED")
check_eq "rebalance with keys exits 0" "0" "$?"
check_match "rebalance moves slots ('#' per slot)" '^Moving [0-9]+ slots from .*' "$out"
check_eq "no key lost or duplicated by the rebalance" "$KEYS_ALL" "$(total_keys)"
if keys_intact; then ok "every key reads back its value after the rebalance"; else not_ok "every key reads back its value after the rebalance" "values differ"; fi
wait_agree "$P0" 20
check_match "the cluster is now balanced" 'No rebalancing needed!' "$(mgr rebalance "$SEED")"

# --- fix: keys in the wrong slot (a node holding keys of a slot it only imports) ---
s1=$(cli "$P0" cluster keyslot key:1)
o1=$(owner_of "$s1")
x1=$(other_master "$o1")
cli "$x1" cluster setslot "$s1" importing "$(myid "$o1")" >/dev/null
printf 'ASKING\nSET {key:1}stray s1\n' | cli "$x1" >/dev/null
out=$(mgr check "$SEED")
check_eq "check of keys in the wrong node exits 1" "1" "$?"
check_match "check reports the slot open" "The following slots are open: $s1\." "$out"
out=$(mgr fix "$SEED")
check_eq "fix of keys in the wrong node exits 0" "0" "$?"
check_match "fix moves them to the owner (Case 2)" ">>> Case 2: Moving all the $s1 slot keys to its owner 127\.0\.0\.1:$o1" "$out"
check_eq "the stray key is on the owner now" "s1" "$(cli "$o1" get '{key:1}stray')"
check_eq "... and gone from the other node" "0" "$(cli "$x1" cluster countkeysinslot "$s1")"
if wait_agree "$P0" 20; then ok "check passes after the fix"; else not_ok "check passes after the fix" "$(mgr check "$SEED" | grep -E 'ERR|WARN' | head -3 | tr '\n' ' ')"; fi
cli "$o1" del '{key:1}stray' >/dev/null

# --- fix: keys on a node that does not serve their slot and does not import it (what a node
# started from another server's data holds) are found only by --cluster-search-multiple-owners ---
s4=$(cli "$P0" cluster keyslot key:1)
o4=$(owner_of "$s4")
x4=$(other_master "$o4")
cli "$x4" cluster setslot "$s4" importing "$(myid "$o4")" >/dev/null
printf 'ASKING\nSET {key:1}loaded l1\n' | cli "$x4" >/dev/null
cli "$x4" cluster setslot "$s4" stable >/dev/null
out=$(mgr check "$SEED" --cluster-search-multiple-owners)
check_eq "check --cluster-search-multiple-owners exits 1" "1" "$?"
check_match "... naming the slot's two owners" "\[WARNING\] Slot $s4 has 2 owners:" "$out"
out=$(mgr fix "$SEED" --cluster-search-multiple-owners)
check_eq "fix --cluster-search-multiple-owners exits 0" "0" "$?"
check_match "the owner with the most keys keeps the slot" ">>> Setting slot $s4 owner: 127\.0\.0\.1:$o4" "$out"
check_eq "the loaded key moved to the owner" "l1" "$(cli "$o4" get '{key:1}loaded')"
check_eq "... and left the other node" "0" "$(cli "$x4" cluster countkeysinslot "$s4")"
cli "$o4" del '{key:1}loaded' >/dev/null
if wait_agree "$P0" 20; then ok "check passes after the several-owners fix"; else not_ok "check passes after the several-owners fix" "$(mgr check "$SEED" | grep -E 'ERR|WARN' | head -3 | tr '\n' ' ')"; fi

# --- fix: a slot left half moved, with keys ---
s2=$(cli "$P0" cluster keyslot key:2)
o2=$(owner_of "$s2")
x2=$(other_master "$o2")
n2=$(cli "$o2" cluster countkeysinslot "$s2")
cli "$x2" cluster setslot "$s2" importing "$(myid "$o2")" >/dev/null
cli "$o2" cluster setslot "$s2" migrating "$(myid "$x2")" >/dev/null
out=$(mgr fix "$SEED")
check_eq "fix of a half-moved slot with keys exits 0" "0" "$?"
check_match "fix finishes the move (Case 1)" ">>> Case 1: Moving slot $s2 from 127\.0\.0\.1:$o2 to 127\.0\.0\.1:$x2" "$out"
check_eq "the slot's $n2 keys are on the importing node" "$n2" "$(cli "$x2" cluster countkeysinslot "$s2")"
if keys_intact; then ok "every key reads back its value after the fixes"; else not_ok "every key reads back its value after the fixes" "values differ"; fi
wait_agree "$P0" 20

# --- a key on both sides with different values ---
s3=$(cli "$P0" cluster keyslot key:3)
o3=$(owner_of "$s3")
x3=$(other_master "$o3")
cli "$x3" cluster setslot "$s3" importing "$(myid "$o3")" >/dev/null
printf 'ASKING\nSET key:3 other\n' | cli "$x3" >/dev/null
out=$(mgr fix "$SEED")
check_eq "fix stops at a key that differs on both nodes (exit 1)" "1" "$?"
check_match "... naming it" "Found 1 key\(s\) in both source node and target node having different values\..*- key:3" \
    "$(printf '%s' "$out" | tr '\n' ' ')"
check_eq "the owner's value is untouched" "v3" "$(cli "$o3" get key:3)"
out=$(mgr fix "$SEED" --cluster-replace)
check_eq "fix --cluster-replace exits 0" "0" "$?"
check_eq "the moved value replaced the owner's" "other" "$(cli "$o3" get key:3)"
cli "$o3" set key:3 v3 >/dev/null
if wait_agree "$P0" 20; then ok "check passes after the replace"; else not_ok "check passes after the replace" "nodes disagree"; fi

# --- import from a standalone server ---
seq 1 500 | awk '{ print "SET imp:" $1 " i" $1 }' | timeout 60 "$CLI" -p "$SRC_PORT" >/dev/null 2>&1
out=$(mgr import "$SEED" --cluster-from "127.0.0.1:$SRC_PORT" --cluster-copy)
check_eq "import --cluster-copy exits 0" "0" "$?"
check_match "import announces the key count" '\*\*\* Importing 500 keys from DB 0' "$out"
check_eq "one OK line per key" "500" "$(printf '%s\n' "$out" | grep -c '^Migrating imp:[0-9]* to 127\.0\.0\.1:1332[0-2]: OK$')"
check_eq "the cluster holds the imported keys" "$((KEYS_ALL + 500))" "$(total_keys)"
check_eq "--cluster-copy leaves them on the source" "500" "$(cli "$SRC_PORT" dbsize)"
check_eq "an imported key reads back through -c" "i250" "$(timeout 20 "$CLI" -c -p "$P0" get imp:250)"
out=$(mgr import "$SEED" --cluster-from "127.0.0.1:$SRC_PORT")
check_eq "import over existing keys without --cluster-replace exits 1" "1" "$?"
check_match "... with the server's BUSYKEY" 'BUSYKEY' "$out"
out=$(mgr import "$SEED" --cluster-from "127.0.0.1:$SRC_PORT" --cluster-replace)
check_eq "import --cluster-replace exits 0" "0" "$?"
check_eq "without --cluster-copy the source is emptied" "0" "$(cli "$SRC_PORT" dbsize)"
check_eq "the cluster still holds every key once" "$((KEYS_ALL + 500))" "$(total_keys)"
out=$(mgr import "$SEED" --cluster-from "127.0.0.1:$P0")
check_match "import refuses a cluster node as the source" '\[ERR\] The source node should not be a cluster node\.' "$out"

finish
