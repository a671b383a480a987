#!/usr/bin/env bash
# Interop suite: replication between slotcache and Debian's redis-server 7, both ways.
#
# What: redis-server 7 as a replica of slotcache (full sync from slotcache's RDB, diskless then
# disk-based, then the command stream, then a partial resync after the link is cut), and slotcache as a replica of
# redis-server 7 (diskless "$EOF:" payload, then disk-based "$<len>" payload, then the stream).
# After each, the two sides must hold the same keys, values and TTLs in every database.
# Approach: data is written with redis-cli; the comparison is done by redis-py (Debian's
# python3-redis, hence /usr/bin/python3) so that values and TTLs of every key are compared in
# one pass, TTLs within 2 s.
# Rejected: comparing DEBUG DIGEST (slotcache has none) or RDB files (encodings may differ
# legitimately: what must match is what clients read).
# Ports: 19200-19209.

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

REDIS_SERVER=${REDIS_SERVER:-/usr/bin/redis-server}
SC1=19200   # slotcache master
RR1=19201   # redis replica of SC1
RM2=19202   # redis master
SC2=19203   # slotcache replica of RM2 (diskless payload)
SC3=19204   # slotcache replica of RM2 (disk payload)
RR5=19205   # redis replica of SC1 (slotcache's disk-based payload)

# start_redis PORT [ARGS...]: Debian's redis-server with the harness' bookkeeping.
start_redis() {
    SERVER=$REDIS_SERVER start_server "$@"
}

# offset PORT: master_repl_offset from INFO replication.
offset() {
    cli "$1" info replication | tr -d '\r' | sed -n 's/^master_repl_offset://p'
}

# wait_synced MASTER REPLICA: the replica's link is up and its offset equals the master's
# (20 s deadline). Returns non-zero on timeout.
wait_synced() {
    local i
    for i in $(seq 1 200); do
        if cli "$2" info replication | tr -d '\r' | grep -q '^master_link_status:up' &&
            [ "$(offset "$1")" = "$(offset "$2")" ]; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# fill PORT TAG: a mix of the string encodings (int, short, long compressible, long random),
# TTLs (EX, PX, EXPIREAT), a key that is deleted, and keys in db 0 and db 3.
fill() {
    local p=$1 t=$2 i
    {
        for i in $(seq 1 200); do
            echo "SET $t:int:$i $i"
            echo "SET $t:str:$i value-$i"
            echo "SET $t:ttl:$i v$i EX $((1000 + i))"
        done
        echo "SET $t:long $(printf 'a%.0s' $(seq 1 500))"
        echo "SET $t:rand $(head -c 300 /dev/urandom | base64 -w0)"
        echo "SET $t:px x PX 7000000"
        echo "SET $t:gone x"
        echo "DEL $t:gone"
        echo "INCRBY $t:int:1 41"
        echo "APPEND $t:str:1 -more"
        echo "EXPIRE $t:str:2 3000"
        echo "SET $t:soon x PX 200"
        echo "SELECT 3"
        echo "SET $t:db3 three EX 2000"
        echo "SELECT 0"
    } | timeout 30 "$CLI" -p "$p" >/dev/null 2>&1
}

# same_data A B: prints "same" or the first difference (keys, values, TTLs within 2 s).
same_data() {
    timeout 60 /usr/bin/python3 - "$1" "$2" <<'EOF'
import sys
import redis

a, b = (int(x) for x in sys.argv[1:3])
for db in range(16):
    ra = redis.Redis(port=a, db=db)
    rb = redis.Redis(port=b, db=db)
    ka = sorted(ra.scan_iter(count=1000))
    kb = sorted(rb.scan_iter(count=1000))
    if ka != kb:
        print(f"db{db}: keys differ: {len(ka)} vs {len(kb)}, e.g. {sorted(set(ka) ^ set(kb))[:3]}")
        sys.exit(0)
    for k in ka:
        va, vb = ra.get(k), rb.get(k)
        if va != vb:
            print(f"db{db}: value of {k!r} differs: {va!r} vs {vb!r}")
            sys.exit(0)
        ta, tb = ra.pttl(k), rb.pttl(k)
        if (ta < 0) != (tb < 0) or abs(ta - tb) > 2000:
            print(f"db{db}: TTL of {k!r} differs: {ta} vs {tb}")
            sys.exit(0)
print("same")
EOF
}

if ! start_server "$SC1"; then
    not_ok "slotcache starts on port $SC1" "see log above"
    finish
fi
ok "slotcache master starts on port $SC1"

# --- redis-server 7 as a replica of slotcache ---------------------------------------------
fill "$SC1" before
if start_redis "$RR1" --replicaof 127.0.0.1 "$SC1"; then
    ok "redis-server starts as a replica of slotcache"
else
    not_ok "redis-server starts as a replica of slotcache" "see log above"
    finish
fi
if wait_synced "$SC1" "$RR1"; then
    ok "redis-server replica completes the full sync from slotcache"
else
    not_ok "redis-server replica completes the full sync from slotcache" \
        "$(tail -n 5 "$INTEROP_TMP/$RR1/log" | tr '\n' '|')"
fi
fill "$SC1" after
sleep 0.5  # lets slotcache expire "*:soon" keys and propagate their DEL
wait_synced "$SC1" "$RR1"
check_eq "redis replica has slotcache's keys, values and TTLs (snapshot + stream)" "same" \
    "$(same_data "$SC1" "$RR1")"
check_eq "an expired key's DEL reached the redis replica" "0" \
    "$(cli "$RR1" exists before:soon)"
check_eq "slotcache lists the redis replica as online" "1" \
    "$(cli "$SC1" info replication | tr -d '\r' | grep -c '^slave0:ip=127.0.0.1,port='"$RR1"',state=online')"
check_eq "the redis replica refuses writes" \
    "READONLY You can't write against a read only replica." "$(cli "$RR1" set x y)"

# Cut the link: the redis replica comes back with PSYNC and gets +CONTINUE.
rid=$(cli "$SC1" client list | grep ' flags=S ' | head -n 1 | sed 's/^id=\([0-9]*\) .*/\1/')
cli "$SC1" client kill id "$rid" >/dev/null
for i in $(seq 1 50); do cli "$SC1" set "cut:$i" "$i" >/dev/null; done
wait_synced "$SC1" "$RR1"
sync_stats=$(cli "$SC1" info stats | tr -d '\r' | grep -E '^sync_(full|partial_ok):' | tr '\n' ' ')
check_eq "after a cut link redis resumes with a partial sync" \
    "sync_full:1 sync_partial_ok:1 " "$sync_stats"
check_eq "data still identical after the partial sync" "same" "$(same_data "$SC1" "$RR1")"
check_eq "WAIT counts the redis replica's ACK" "1" "$(cli "$SC1" wait 1 5000)"

# The payload above was diskless (slotcache's default: "$EOF:<mark>" from a forked child's pipe);
# a second redis replica gets the disk-based form ("$<len>" + the RDB file a BGSAVE wrote).
cli "$SC1" config set repl-diskless-sync no >/dev/null
if start_redis "$RR5" --replicaof 127.0.0.1 "$SC1" && wait_synced "$SC1" "$RR5"; then
    ok "redis-server loads slotcache's disk-based (\$<len>) payload"
else
    not_ok "redis-server loads slotcache's disk-based (\$<len>) payload" \
        "$(tail -n 5 "$INTEROP_TMP/$RR5/log" | tr '\n' '|')"
fi
check_eq "the disk-synced redis replica has slotcache's keys, values and TTLs" "same" \
    "$(same_data "$SC1" "$RR5")"

# --- slotcache as a replica of redis-server 7 ----------------------------------------------
if start_redis "$RM2" --repl-diskless-sync yes --repl-diskless-sync-delay 0; then
    ok "redis-server master starts on port $RM2"
else
    not_ok "redis-server master starts on port $RM2" "see log above"
    finish
fi
fill "$RM2" before
if start_server "$SC2" --replicaof 127.0.0.1 "$RM2"; then
    ok "slotcache starts as a replica of redis-server"
else
    not_ok "slotcache starts as a replica of redis-server" "see log above"
fi
if wait_synced "$RM2" "$SC2"; then
    ok "slotcache loads redis-server's diskless (\$EOF:) payload"
else
    not_ok "slotcache loads redis-server's diskless (\$EOF:) payload" \
        "$(tail -n 5 "$INTEROP_TMP/$SC2/log" | tr '\n' '|')"
fi
cli "$RM2" config set repl-diskless-sync no >/dev/null
if start_server "$SC3" --replicaof 127.0.0.1 "$RM2" && wait_synced "$RM2" "$SC3"; then
    ok "slotcache loads redis-server's disk-based (\$<len>) payload"
else
    not_ok "slotcache loads redis-server's disk-based (\$<len>) payload" \
        "$(tail -n 5 "$INTEROP_TMP/$SC3/log" | tr '\n' '|')"
fi
fill "$RM2" after
sleep 0.5
wait_synced "$RM2" "$SC2"
wait_synced "$RM2" "$SC3"
check_eq "slotcache replica (diskless) has redis' keys, values and TTLs" "same" \
    "$(same_data "$RM2" "$SC2")"
check_eq "slotcache replica (disk) has redis' keys, values and TTLs" "same" \
    "$(same_data "$RM2" "$SC3")"
check_eq "slotcache replica reports the redis master's replication id" \
    "$(cli "$RM2" info replication | tr -d '\r' | sed -n 's/^master_replid://p')" \
    "$(cli "$SC2" info replication | tr -d '\r' | sed -n 's/^master_replid://p')"
check_eq "slotcache replica's ROLE" "slave 127.0.0.1 $RM2 connected" \
    "$(cli "$SC2" role | head -n 4 | tr '\n' ' ' | sed 's/ $//')"
check_eq "redis master's WAIT counts both slotcache replicas" "2" "$(cli "$RM2" wait 2 5000)"

finish
