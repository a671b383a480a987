#!/usr/bin/env bash
# Interop suite for sets: DUMP payloads of every set encoding RESTORE both ways between the
# server under test ($SLOTCACHE_SERVER) and Debian's redis-server 7.0 ($REDIS_SERVER), and a
# SAVEd file with sets loads into redis-server.
#
# What: (1) intset (16/32/64-bit values), listpack-size and hashtable sets DUMPed here RESTORE
# in redis-server with the same members (our writer emits plain type 2; redis re-encodes an
# all-integer set as an intset); (2) redis-server's DUMPs (type 11 intset, type 2) RESTORE here
# with the same members and encodings intset/hashtable; (3) our SAVE file loads in redis-server.
# Approach: members compared as sorted redis-cli --raw text.
# Ports: 22160-22162 (the set helper's range). Every process started here is stopped by pid.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

REDIS=${REDIS_SERVER:-/usr/bin/redis-server}
S=22160  # server under test
R=22161  # redis-server for RESTOREs
R2=22162 # redis-server loading our file

start_redis() {
    "$REDIS" --port "$1" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$2" --dbfilename "$3" --logfile "$2/redis-$1.log" >/dev/null 2>&1 &
    INTEROP_PIDS+=("$!")
    local i
    for i in $(seq 1 100); do
        [ "$(timeout 2 "$CLI" -p "$1" ping 2>&1)" = "PONG" ] && return 0
        sleep 0.1
    done
    return 1
}

members() { cli "$1" --raw smembers "$2" | sort | tr '\n' ' '; }

# fill PORT: the same three sets on a server.
fill() {
    cli "$1" sadd is 1 -3 70000 5000000000 >/dev/null
    cli "$1" sadd lp a b 12 "x y" >/dev/null
    seq -f 'element:%07g' 1 1000 | xargs "$CLI" -p "$1" sadd ht >/dev/null
}

if ! start_server "$S" --dbfilename ours.rdb; then
    not_ok "server under test starts on $S" "see log above"
    finish
fi
DIR=$INTEROP_TMP/$S
if ! start_redis $R "$INTEROP_TMP" redis.rdb; then
    not_ok "redis-server starts on $R" ""
    finish
fi
fill $S
fill $R
check_eq "encodings here" "intset listpack hashtable" \
    "$(cli $S object encoding is) $(cli $S object encoding lp) $(cli $S object encoding ht)"

for k in is lp ht; do
    # Options follow the payload: redis-cli's stdin mode unquotes the --no-raw "\xNN" form.
    Q=$(cli $S --no-raw dump $k)
    check_eq "redis RESTOREs our $k" "OK" "$(echo "restore ${k}_us 0 $Q" | cli $R)"
    check_eq "redis: members of $k" "$(members $S $k)" "$(members $R ${k}_us)"
    Q=$(cli $R --no-raw dump $k)
    check_eq "we RESTORE redis' $k" "OK" "$(echo "restore ${k}_redis 0 $Q" | cli $S)"
    check_eq "ours: members of redis' $k" "$(members $R $k)" "$(members $S ${k}_redis)"
done
check_eq "redis re-encodes our integer set" "intset" "$(cli $R object encoding is_us)"
check_eq "redis' intset restores as an intset" "intset" "$(cli $S object encoding is_redis)"
check_eq "redis' big set restores as a hashtable" "hashtable" "$(cli $S object encoding ht_redis)"

check_eq "SAVE replies OK" "OK" "$(cli $S save)"
if start_redis $R2 "$DIR" ours.rdb; then
    ok "redis-server 7.0 loads our RDB with sets"
    for k in is lp ht is_redis ht_redis; do
        check_eq "loaded by redis: $k" "$(members $S $k)" "$(members $R2 $k)"
    done
else
    not_ok "redis-server 7.0 loads our RDB with sets" "$(tail -n 3 "$DIR/redis-$R2.log" 2>/dev/null)"
fi

finish
