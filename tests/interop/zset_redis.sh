#!/usr/bin/env bash
# Interop suite: sorted sets between the server under test ($SLOTCACHE_SERVER) and Debian's
# redis-server 7.0 ($REDIS_SERVER), both ways.
#
# What: zsets in both Redis encodings (a small listpack, a 1,000-member skiplist, one with a
# member longer than zset-max-listpack-value) and with awkward scores (inf, -inf, 0.1, 1e300,
# -0) go from redis-server to the server under test by MIGRATE COPY (Redis' DUMP: types 17
# and 5 restored here) and back into another db (our DUMP: type 5 restored by Redis); our SAVE
# loads in redis-server. Members, scores (ZRANGE WITHSCORES text) and OBJECT ENCODING must match.
# Ports: 18050-18052. Every process started here is stopped by pid.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
. "$(dirname "$0")/lib.bash"

REDIS=${REDIS_SERVER:-/usr/bin/redis-server}
S=18050  # server under test
R=18051  # redis-server, source and destination of the MIGRATEs
R2=18052 # redis-server loading our SAVE

start_redis() {
    "$REDIS" --port "$1" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$2" --dbfilename "$3" --logfile "$2/redis-$1.log" >/dev/null 2>&1 &
    INTEROP_PIDS+=("$!")
    local i
    for i in $(seq 1 100); do
        [ "$(timeout 2 "$CLI" -p "$1" ping 2>&1)" = "PONG" ] && return 0
        sleep 0.1
    done
    echo "# redis-server on $1 did not start"
    return 1
}

if ! start_server "$S" --dbfilename ours.rdb; then
    not_ok "server under test starts on $S" "see log above"
    finish
fi
mkdir -p "$INTEROP_TMP/r"
if ! start_redis $R "$INTEROP_TMP/r" r.rdb; then
    not_ok "redis-server starts on $R" "see log"
    finish
fi

cli $R zadd small 1 a 2.5 b -inf c inf d 0.1 e 1e300 f -0 g >/dev/null
ARGS=()
for i in $(seq 0 999); do ARGS+=("$((i * 7 % 1000)).$((i % 10))" "member:$i"); done
cli $R zadd big "${ARGS[@]}" >/dev/null
cli $R zadd longm 1 "$(printf 'x%.0s' $(seq 1 100))" 2 y >/dev/null
KEYS="small big longm"

for k in $KEYS; do
    check_eq "MIGRATE COPY $k from redis-server" "OK" \
        "$(cli $R migrate 127.0.0.1 $S $k 0 5000 COPY)"
    check_eq "$k: members and scores equal after Redis' DUMP" \
        "$(cli $R zrange $k 0 -1 withscores | md5sum)" "$(cli $S zrange $k 0 -1 withscores | md5sum)"
    check_eq "$k: encoding" "$(cli $R object encoding $k)" "$(cli $S object encoding $k)"
    check_eq "MIGRATE COPY $k back into redis-server db 1" "OK" \
        "$(cli $S migrate 127.0.0.1 $R $k 1 5000 COPY)"
    check_eq "$k: redis-server restores our DUMP equal" \
        "$(cli $R zrange $k 0 -1 withscores | md5sum)" \
        "$(cli $R -n 1 zrange $k 0 -1 withscores | md5sum)"
    check_eq "$k: redis-server's encoding of our DUMP" \
        "$(cli $R object encoding $k)" "$(cli $R -n 1 object encoding $k)"
done

check_eq "SAVE on the server under test" "OK" "$(cli $S save)"
if start_redis $R2 "$INTEROP_TMP/$S" ours.rdb; then
    ok "redis-server 7.0 loads our RDB with zsets"
    for k in $KEYS; do
        check_eq "$k: loaded by redis-server equal" \
            "$(cli $S zrange $k 0 -1 withscores | md5sum)" \
            "$(cli $R2 zrange $k 0 -1 withscores | md5sum)"
    done
else
    not_ok "redis-server 7.0 loads our RDB with zsets" "did not start"
fi
finish
