#!/usr/bin/env bash
# Interop suite: Debian's redis-benchmark 7 against the server under test ($SLOTCACHE_SERVER).
#
# What: redis-benchmark's set/get/incr/mset/ping tests, without and with pipelining (-P 16),
# with fixed and random keys (-r), in -q and --csv output; each test must report a positive
# rate, and afterwards the server must be alive and hold exactly the keys the load wrote.
# Approach: every redis-benchmark run is bounded by -n and by `timeout` (redis-benchmark spins
# forever when its server goes away), and its output is parsed the way users' scripts do.
# Rejected: judging absolute rates (this machine is shared; utils/bench compares rates).
# Ports: 12010-12019.

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

P=12010
BENCH=${REDIS_BENCHMARK:-/usr/bin/redis-benchmark}
N=20000

if ! start_server "$P"; then
    not_ok "server starts on port $P" "see log above"
    finish
fi
ok "server starts on port $P and answers PING"

# bench NAME ARGS...: runs redis-benchmark, output with progress lines split off.
bench() {
    timeout 50 "$BENCH" -p "$P" "$@" 2>&1 | tr '\r' '\n'
    return "${PIPESTATUS[0]}"
}

# check_rates LABEL OUTPUT TESTS...: each test has a "<TEST>: <rate> requests per second" line
# with a positive rate.
check_rates() {
    local label=$1 out=$2 t line rate
    shift 2
    for t in "$@"; do
        line=$(printf '%s\n' "$out" | grep -E "^$t: [0-9.]+ requests per second" | tail -n 1)
        rate=$(printf '%s\n' "$line" | sed -E 's/^[^:]*: ([0-9.]+) requests per second.*/\1/')
        if [ -n "$rate" ] && awk -v r="$rate" 'BEGIN { exit !(r > 0) }'; then
            ok "$label: ${t//\\/} reports a positive rate ($rate/s)"
        else
            not_ok "$label: ${t//\\/} reports a positive rate" \
                "no rate line; output tail: $(printf '%s\n' "$out" | tail -n 3 | tr '\n' '|')"
        fi
    done
}

check_alive() {
    if server_alive $P; then ok "server is alive $1"; else not_ok "server is alive $1" "no PONG"; fi
}

cli $P flushall >/dev/null
TESTS=("SET" "GET" "INCR" "MSET \\(10 keys\\)")

out=$(bench -t set,get,incr,mset -n $N -c 20 -q)
check_eq "-q run without pipelining exits 0" "0" "$?"
check_rates "-c 20 -q" "$out" "${TESTS[@]}"
check_alive "after the unpipelined run"
# Without -r redis-benchmark uses the literal keys key:__rand_int__ and counter:__rand_int__.
check_eq "SET/MSET left a value of the default 3 bytes" "3" "$(cli $P strlen key:__rand_int__)"
check_eq "INCR ran exactly $N times" "$N" "$(cli $P get counter:__rand_int__)"
check_eq "DBSIZE is 2 (the two literal keys)" "2" "$(cli $P dbsize)"

out=$(bench -t set,get,incr,mset -n $N -c 20 -P 16 -q)
check_eq "-q run with -P 16 exits 0" "0" "$?"
check_rates "-c 20 -P 16 -q" "$out" "${TESTS[@]}"
check_alive "after the pipelined run"
check_eq "pipelined INCR ran exactly $N more times" "$((2 * N))" "$(cli $P get counter:__rand_int__)"

out=$(bench -t set -n $N -c 20 -P 16 -r 1000 -d 16 -q)
check_rates "-r 1000 -d 16" "$out" "SET"
keys=$(cli $P dbsize)
if [ "$keys" -gt 900 ] 2>/dev/null && [ "$keys" -le 1002 ]; then
    ok "random keys exist afterwards (DBSIZE $keys, 1000 possible + 2)"
else
    not_ok "random keys exist afterwards" "DBSIZE '$keys', expected 901..1002"
fi
check_eq "a random key has the -d 16 value length" "16" "$(cli $P strlen "$(cli $P --scan --pattern 'key:0*' | head -n 1)")"

out=$(bench -t ping -n $N -c 20 -q)
check_rates "ping" "$out" "PING_INLINE" "PING_MBULK"

csv=$(timeout 50 "$BENCH" -p "$P" -t set,get,incr,mset -n $N -c 20 -P 16 --csv 2>&1)
check_eq "--csv run exits 0" "0" "$?"
parsed=$(printf '%s\n' "$csv" | /usr/bin/python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
header = rows[0]
assert header[:2] == ["test", "rps"], header
assert "p50_latency_ms" in header, header
out = []
for row in rows[1:]:
    assert len(row) == len(header), row
    assert float(row[1]) > 0, row
    assert all(float(x) >= 0 for x in row[2:]), row
    out.append(row[0])
print(",".join(out))
' 2>&1)
check_eq "--csv parses: header and one positive row per test" "SET,GET,INCR,MSET (10 keys)" "$parsed"

check_alive "at the end"
check_match "INFO stats counts the commands processed" "^total_commands_processed:[1-9][0-9]{5,}" \
    "$(cli $P info stats | tr -d '\r' | grep '^total_commands_processed:')"

finish
