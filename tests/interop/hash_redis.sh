#!/usr/bin/env bash
# Interop suite: hashes between the server under test ($SLOTCACHE_SERVER) and Debian's
# redis-server 7.0 ($REDIS_SERVER), both ways, in both encodings.
#
# What: (1) DUMP payloads of a listpack and a hashtable hash written here RESTORE in
# redis-server with the same pairs and the encoding its limits give, and redis-server's (type 16
# listpack, type 4 hashtable) RESTORE here; (2) MIGRATE moves hashes both ways; (3) a SAVE made
# here loads in redis-server and redis-server's SAVE loads here; (4) redis-server as a replica
# of the server under test gets hashes by the full sync and the stream, HINCRBYFLOAT included
# (propagated as HSET with the final value).
# Approach: pairs are compared as sorted "field value" lines of redis-cli --raw HGETALL.
# Ports: 22100-22149 (this suite's range). Every process started here is stopped by pid.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

REDIS=${REDIS_SERVER:-/usr/bin/redis-server}
S=22110   # server under test
R=22111   # redis-server
R2=22112  # redis-server loading our SAVE
S2=22113  # server under test loading redis' SAVE
RR=22114  # redis-server replica of the server under test

start_redis() {
    local port=$1
    shift
    mkdir -p "$INTEROP_TMP/$port"
    "$REDIS" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$INTEROP_TMP/$port" --logfile "$INTEROP_TMP/$port/redis.log" "$@" >/dev/null 2>&1 &
    INTEROP_PIDS+=("$!")
    local i
    for i in $(seq 1 100); do
        [ "$(timeout 2 "$CLI" -p "$port" ping 2>&1)" = "PONG" ] && return 0
        sleep 0.1
    done
    return 1
}

# pairs PORT KEY [DB]: the hash's pairs, one sorted "field value" line each.
pairs() {
    cli "$1" -n "${3:-0}" --raw hgetall "$2" | paste - - | sort
}

# fill PORT KEY N: N fields f0.. with values mixing integers, strings and a 70-byte value.
fill() {
    local args=() i
    for i in $(seq 0 $(($3 - 1))); do
        case $((i % 3)) in
            0) args+=("f$i" "$((i * 1000))") ;;
            1) args+=("f$i" "value-$i") ;;
            2) args+=("f$i" "-$i") ;;
        esac
    done
    cli "$1" hset "$2" "${args[@]}" >/dev/null
}

if ! start_server $S --dbfilename ours.rdb; then
    not_ok "server under test starts on $S" "see log above"
    finish
fi
if ! start_redis $R; then
    not_ok "redis-server starts on $R" "not ready in 10 s"
    finish
fi

fill $S small 20
fill $S big 2000
cli $S hset small long "$(printf 'x%.0s' $(seq 1 60))" >/dev/null
check_eq "ours: field counts" "21 2000" "$(pairs $S small | wc -l) $(pairs $S big | wc -l)"
check_eq "ours: encodings" "listpack hashtable" "$(cli $S object encoding small) $(cli $S object encoding big)"
fill $R rsmall 20
fill $R rbig 2000
check_eq "redis: encodings" "listpack hashtable" "$(cli $R object encoding rsmall) $(cli $R object encoding rbig)"

# --- 1. DUMP / RESTORE both ways ---
for k in small big; do
    cli $S --raw dump $k | head -c -1 >"$INTEROP_TMP/$k.ours"
    check_eq "redis RESTOREs our $k hash" "OK" "$(cli $R -x restore $k 0 <"$INTEROP_TMP/$k.ours")"
    check_eq "redis: $k pairs equal" "$(pairs $S $k)" "$(pairs $R $k)"
    check_eq "redis: $k encoding" "$(cli $S object encoding $k)" "$(cli $R object encoding $k)"
done
for k in rsmall rbig; do
    cli $R --raw dump $k | head -c -1 >"$INTEROP_TMP/$k.redis"
    check_eq "we RESTORE redis' $k payload (type $(head -c1 "$INTEROP_TMP/$k.redis" | od -An -tu1 | tr -d ' '))" \
        "OK" "$(cli $S -x restore $k 0 <"$INTEROP_TMP/$k.redis")"
    check_eq "ours: $k pairs equal" "$(pairs $R $k)" "$(pairs $S $k)"
    check_eq "ours: $k encoding" "$(cli $R object encoding $k)" "$(cli $S object encoding $k)"
done

# --- 2. MIGRATE both ways ---
fill $S mig 600
WANT=$(pairs $S mig)
check_eq "MIGRATE a hash into redis" "OK" "$(cli $S migrate 127.0.0.1 $R mig 3 5000)"
check_eq "redis: migrated pairs" "$WANT" "$(pairs $R mig 3)"
check_eq "redis MIGRATEs it back" "OK" "$(cli $R -n 3 migrate 127.0.0.1 $S mig 0 5000)"
check_eq "ours: pairs after the round trip" "$WANT" "$(pairs $S mig)"

# --- 3. SAVE both ways ---
check_eq "SAVE" "OK" "$(cli $S save)"
if start_redis $R2 --dir "$INTEROP_TMP/$S" --dbfilename ours.rdb; then
    ok "redis-server loads our RDB with hashes"
    for k in small big rsmall rbig mig; do
        check_eq "redis loaded $k" "$(pairs $S $k)" "$(pairs $R2 $k)"
    done
    check_eq "redis: loaded encodings" "listpack hashtable" \
        "$(cli $R2 object encoding small) $(cli $R2 object encoding big)"
else
    not_ok "redis-server loads our RDB with hashes" "$(tail -n 3 "$INTEROP_TMP/$R2/redis.log" 2>/dev/null)"
fi
check_eq "redis SAVE" "OK" "$(cli $R save)"
if start_server $S2 --dir "$INTEROP_TMP/$R" --dbfilename dump.rdb; then
    ok "we load redis' RDB with hashes"
    for k in rsmall rbig small big; do
        check_eq "ours loaded $k" "$(pairs $R $k)" "$(pairs $S2 $k)"
    done
    check_eq "ours: loaded encodings" "listpack hashtable" \
        "$(cli $S2 object encoding rsmall) $(cli $S2 object encoding rbig)"
else
    not_ok "we load redis' RDB with hashes" "see log above"
fi

# --- 4. redis-server as a replica of the server under test ---
if start_redis $RR --replicaof 127.0.0.1 $S; then
    synced() {
        local i
        for i in $(seq 1 100); do
            [ "$(cli $S info replication | grep -c 'state=online')" = "1" ] &&
                [ "$(cli $RR hget live f)" = "$1" ] && return 0
            sleep 0.1
        done
        return 1
    }
    cli $S hset live f 0 >/dev/null
    if synced 0; then ok "the replica got the data by a full sync"; else not_ok "full sync" "timeout"; fi
    check_eq "replica: big by the full sync" "$(pairs $S big)" "$(pairs $RR big)"
    cli $S hincrbyfloat live fl 0.1 >/dev/null
    cli $S hincrbyfloat live fl 0.2 >/dev/null
    cli $S hincrby live n 5 >/dev/null
    cli $S hdel big f0 f1 >/dev/null
    cli $S hset live f 1 >/dev/null
    if synced 1; then ok "the stream reaches the replica"; else not_ok "stream" "timeout"; fi
    check_eq "replica: live pairs (HINCRBYFLOAT as HSET)" "$(pairs $S live)" "$(pairs $RR live)"
    check_eq "replica: HDEL applied" "$(pairs $S big)" "$(pairs $RR big)"
else
    not_ok "redis-server starts as a replica" "not ready in 10 s"
fi

finish
