#!/usr/bin/env bash
# Interop suite: snapshots and DUMP payloads between the server under test ($SLOTCACHE_SERVER)
# and Debian's redis-server 7.0 ($REDIS_SERVER), both ways.
#
# What: (1) keys of every string encoding (small and large integers, LZF-compressible and
# incompressible strings, a binary value, TTLs, a second Db) SAVEd by the server under test
# load into redis-server with the same values and PEXPIRETIMEs; (2) a file redis-server SAVEs
# loads at the start of the server under test; (3) DUMP payloads RESTORE in both directions, and
# MIGRATE moves keys (with a TTL, into another db) both ways;
# (4) a BGSAVE file loads into redis-server (dbfilename is a protected config: BGSAVE rewrites
# the same file, after the start-up check of step 2 read it).
# Approach: both servers read and write the same directory per step; values are compared as
# redis-cli --raw text, binary values by their md5 through a file.
# Rejected: comparing RDB bytes (encodings may legitimately differ, e.g. LZF parsing choices).
# Ports: 18000-18009 (persistence checks). Every process started here is stopped by pid.

if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

REDIS=${REDIS_SERVER:-/usr/bin/redis-server}
S=18000  # server under test
R=18001  # redis-server reading its file
S2=18002 # server under test loading redis' file
R2=18003 # redis-server loading a BGSAVE file

# start_redis PORT DIR DBFILE: the reference server over DIR/DBFILE, ready within 10 s.
start_redis() {
    "$REDIS" --port "$1" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        --dir "$2" --dbfilename "$3" --logfile "$2/redis-$1.log" >/dev/null 2>&1 &
    INTEROP_PIDS+=("$!")
    local i
    for i in $(seq 1 100); do
        [ "$(timeout 2 "$CLI" -p "$1" ping 2>&1)" = "PONG" ] && return 0
        sleep 0.1
    done
    echo "# redis-server on $1 did not start:"
    tail -n 5 "$2/redis-$1.log" 2>/dev/null | sed 's/^/#   /'
    return 1
}

# wait_bgsave PORT: until INFO persistence shows no BGSAVE running (10 s deadline).
wait_bgsave() {
    local i
    for i in $(seq 1 100); do
        cli "$1" info persistence | grep -q '^rdb_bgsave_in_progress:0' && return 0
        sleep 0.1
    done
    return 1
}

LONG=$(printf 'abcdefgh%.0s' $(seq 1 500))
RAND=$(head -c 3000 /dev/urandom | base64 -w0)
FAR=4102444800000
BIN=$INTEROP_TMP/bin.value
head -c 2000 /dev/urandom >"$BIN"
BIN_MD5=$(md5sum <"$BIN" | cut -d' ' -f1)

if ! start_server "$S" --dbfilename ours.rdb; then
    not_ok "server under test starts on $S" "see log above"
    finish
fi
DIR=$INTEROP_TMP/$S

# --- 1. the server under test saves; redis-server loads ---
cli $S set small hello >/dev/null
cli $S set int8 100 >/dev/null
cli $S set int16 -1000 >/dev/null
cli $S set int32 1000000 >/dev/null
cli $S set bigint 123456789012 >/dev/null
cli $S set lead0 0123 >/dev/null
cli $S set empty "" >/dev/null
cli $S set long "$LONG" >/dev/null
cli $S set rand "$RAND" >/dev/null
cli $S -x set bin <"$BIN" >/dev/null
cli $S set ttl v >/dev/null
cli $S pexpireat ttl $FAR >/dev/null
cli $S -n 3 set indb3 x3 >/dev/null
cli $S debug populate 1000 >/dev/null 2>&1 || for i in $(seq 0 99); do cli $S set key:$i value:$i >/dev/null; done
KEYS0=$(cli $S dbsize)
check_eq "SAVE replies OK" "OK" "$(cli $S save)"
check_match "LASTSAVE is a unix time" '^[0-9]{10}$' "$(cli $S lastsave)"
check_eq "the file is at dir/dbfilename" "yes" "$([ -s "$DIR/ours.rdb" ] && echo yes)"
check_eq "no temp file is left" "" "$(ls "$DIR" | grep '^temp-')"

if start_redis $R "$DIR" ours.rdb; then
    ok "redis-server 7.0 loads our RDB"
    check_eq "redis: dbsize" "$KEYS0" "$(cli $R dbsize)"
    check_eq "redis: small string" "hello" "$(cli $R get small)"
    check_eq "redis: int8 value and encoding" "100 int" "$(cli $R get int8) $(cli $R object encoding int8)"
    check_eq "redis: int16" "-1000" "$(cli $R get int16)"
    check_eq "redis: int32" "1000000" "$(cli $R get int32)"
    check_eq "redis: 64-bit integer" "123456789012" "$(cli $R get bigint)"
    check_eq "redis: non-canonical integer stays a string" "0123" "$(cli $R get lead0)"
    check_eq "redis: empty string" "0" "$(cli $R strlen empty)"
    check_eq "redis: compressible long string" "$LONG" "$(cli $R get long)"
    check_eq "redis: incompressible string" "$RAND" "$(cli $R get rand)"
    check_eq "redis: binary value" "$BIN_MD5" "$(cli $R --raw get bin | head -c 2000 | md5sum | cut -d' ' -f1)"
    check_eq "redis: absolute TTL kept" "$FAR" "$(cli $R pexpiretime ttl)"
    check_eq "redis: key in db 3" "x3" "$(cli $R -n 3 get indb3)"

    # --- 3a. DUMP in redis, RESTORE in the server under test ---
    cli $R set fromredis "$LONG" >/dev/null
    cli $R --raw dump fromredis | head -c -1 >"$INTEROP_TMP/p1"
    check_eq "RESTORE of a redis DUMP payload" "OK" "$(cli $S -x restore fromredis 0 <"$INTEROP_TMP/p1")"
    check_eq "restored value" "$LONG" "$(cli $S get fromredis)"
    check_eq "RESTORE onto an existing key is BUSYKEY" \
        "BUSYKEY Target key name already exists." "$(cli $S -x restore fromredis 0 <"$INTEROP_TMP/p1")"
    # Options follow the payload, so -x cannot carry it: redis-cli's stdin mode unquotes the
    # "\xNN" form that --no-raw prints.
    Q=$(cli $R --no-raw dump fromredis)
    check_eq "RESTORE REPLACE with a TTL" "OK" "$(echo "restore fromredis 100000 $Q replace" | cli $S)"
    check_match "restored TTL" '^(99|100)$' "$(cli $S ttl fromredis)"
    check_eq "a corrupt payload is refused" "ERR DUMP payload version or checksum are wrong" \
        "$(cli $S restore x 0 garbage-payload)"

    # --- 3b. DUMP in the server under test, RESTORE in redis ---
    cli $S --raw dump rand | head -c -1 >"$INTEROP_TMP/p2"
    check_eq "redis RESTOREs our DUMP payload" "OK" "$(cli $R -x restore fromus 0 <"$INTEROP_TMP/p2")"
    check_eq "redis: value restored from our payload" "$RAND" "$(cli $R get fromus)"
    cli $S --raw dump int8 | head -c -1 >"$INTEROP_TMP/p3"
    check_eq "redis RESTOREs our integer payload" "OK 100" \
        "$(cli $R -x restore fromus8 0 <"$INTEROP_TMP/p3") $(cli $R get fromus8)"

    # --- 3c. MIGRATE both ways: our RESTOREs into redis, redis' into the server under test ---
    cli $S set mig:a "$RAND" >/dev/null
    cli $S set mig:b 12345 px 100000 >/dev/null
    check_eq "MIGRATE KEYS into redis-server" "OK" "$(cli $S migrate 127.0.0.1 $R "" 4 5000 keys mig:a mig:b)"
    check_eq "redis: migrated values, in db 4" "$RAND 12345" "$(cli $R -n 4 get mig:a) $(cli $R -n 4 get mig:b)"
    check_match "redis: migrated TTL" '^(99[0-9]{3}|100000)$' "$(cli $R -n 4 pttl mig:b)"
    check_eq "the migrated keys left the server under test" "0" "$(cli $S exists mig:a mig:b)"
    check_eq "redis MIGRATEs them back (COPY)" "OK" "$(cli $R -n 4 migrate 127.0.0.1 $S "" 0 5000 copy keys mig:a mig:b)"
    check_eq "back in the server under test" "$RAND 12345" "$(cli $S get mig:a) $(cli $S get mig:b)"

    # --- 2. redis saves; the server under test loads it at start-up ---
    cli $R -n 5 set redis5 five >/dev/null
    cli $R set redisttl v >/dev/null
    cli $R pexpireat redisttl $FAR >/dev/null
    KEYSR=$(cli $R dbsize)
    check_eq "redis SAVE" "OK" "$(cli $R save)"
    if start_server $S2 --dir "$DIR" --dbfilename ours.rdb; then
        ok "the server under test starts on redis' RDB"
        check_eq "loaded: dbsize" "$KEYSR" "$(cli $S2 dbsize)"
        check_eq "loaded: LZF value" "$LONG" "$(cli $S2 get long)"
        check_eq "loaded: value redis restored from our payload" "$RAND" "$(cli $S2 get fromus)"
        check_eq "loaded: binary value" "$BIN_MD5" "$(cli $S2 --raw get bin | head -c 2000 | md5sum | cut -d' ' -f1)"
        check_eq "loaded: TTL" "$FAR" "$(cli $S2 pexpiretime redisttl)"
        check_eq "loaded: db 5" "five" "$(cli $S2 -n 5 get redis5)"
        check_match "loaded: log line" 'DB loaded from disk' "$(cat "$INTEROP_TMP/$S2/log" 2>/dev/null)"
    else
        not_ok "the server under test starts on redis' RDB" "see log above"
    fi
else
    not_ok "redis-server 7.0 loads our RDB" "$(tail -n 3 "$DIR/redis-$R.log" 2>/dev/null)"
fi

# --- 4. BGSAVE ---
cli $S set afterbg yes >/dev/null
check_eq "BGSAVE starts" "Background saving started" "$(cli $S bgsave)"
if wait_bgsave $S; then
    ok "BGSAVE finishes"
    check_match "status ok after BGSAVE" 'rdb_last_bgsave_status:ok' "$(cli $S info persistence)"
    if start_redis $R2 "$DIR" ours.rdb; then
        check_eq "redis loads the BGSAVE file" "yes" "$(cli $R2 get afterbg)"
    else
        not_ok "redis loads the BGSAVE file" "redis-server did not start"
    fi
else
    not_ok "BGSAVE finishes" "still in progress after 10 s"
fi
check_eq "BGSAVE with a bad argument" "ERR syntax error" "$(cli $S bgsave now)"

finish
