#!/usr/bin/env bash
# Memory per sorted set member: one zset of N members ("member:NNNNNNN", scores 0..N-1) loaded
# with redis-cli --pipe (ZADD batches of 1000) into an already running server; prints the
# used_memory delta per member and OBJECT ENCODING. Run it against slotcache and redis-server 7
# started the same way (--save '' --appendonly no) to compare.
#
#   utils/bench/zset_memory.sh PORT [N]     (N defaults to 1000000)
set -eu
PORT=$1
N=${2:-1000000}
CLI=${REDIS_CLI:-redis-cli}
used() { $CLI -p "$PORT" info memory | tr -d '\r' | awk -F: '$1=="used_memory"{print $2}'; }
$CLI -p "$PORT" del zmem >/dev/null
before=$(used)
awk -v n="$N" 'BEGIN {
    for (s = 0; s < n; s += 1000) {
        line = "ZADD zmem"
        for (i = s; i < s + 1000 && i < n; i++) line = line sprintf(" %d member:%07d", i, i)
        print line
    }
}' | $CLI -p "$PORT" --pipe >/dev/null
after=$(used)
card=$($CLI -p "$PORT" zcard zmem)
enc=$($CLI -p "$PORT" object encoding zmem)
awk -v b="$before" -v a="$after" -v c="$card" -v e="$enc" -v p="$PORT" \
    'BEGIN { printf "port %s: %d members, %s, %.1f bytes/member\n", p, c, e, (a - b) / c }'
