#!/usr/bin/env bash
# Interop suite: `slotcache-benchmark --cluster` against a 3-master cluster of the server under
# test ($SLOTCACHE_SERVER) created with Debian's `redis-cli --cluster create`; and
# `slotcache-cli --pipe` (mass insertion) against a standalone one, beside Debian's redis-cli.
#
# What: the banner ("Cluster has 3 master nodes:" and one "Master i: id host:port" line each),
# -q and --csv reports with positive rates and no error, -P 16; keys that land on every master
# (each master holds its clients' key, as redis-benchmark's one {tag} per master), INCRs whose
# counters sum to exactly -n; a live `--cluster reshard` of a slot the load writes to during an
# INCR run: MOVED/ASK counted on stderr, the slot map reloaded, exit 0, and the counters summing
# to -n minus the errors (a redirected INCR did not run); --threads 2 against the cluster and a
# standalone server (INCRs of one key sum to exactly -n, positive --csv rates, the full report's
# "multi-thread: yes" / "threads: 2" lines, a reshard under a threaded load). --pipe: 100,000
# SETs (DBSIZE, a value), error replies counted and printed as redis-cli does (exit 1),
# --pipe-timeout on a stopped server.
# Approach: lib.bash's start_server with cluster flags; every tool under `timeout`, every wait
# polled with a deadline.
# Rejected: judging absolute rates (shared machine; the operator's guide has the figures).
# Ports: 13500-13502 (cluster bus 23500-23502), 13503 (standalone, --pipe), 13504 (standalone,
# --threads).

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

BENCH=${SLOTCACHE_BENCHMARK:-$INTEROP_REPO/src/slotcache-benchmark}
PORTS=(13500 13501 13502)
CLUSTER_FLAGS=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000)

for p in "${PORTS[@]}"; do
    if ! start_server "$p" "${CLUSTER_FLAGS[@]}"; then
        not_ok "cluster node starts on port $p" "see log above"
        finish
    fi
done
create_out=$(timeout 60 "$CLI" --cluster create "127.0.0.1:${PORTS[0]}" "127.0.0.1:${PORTS[1]}" \
    "127.0.0.1:${PORTS[2]}" --cluster-yes 2>&1)
check_eq "redis-cli --cluster create of 3 masters exits 0" "0" "$?"

# wait_ok TIMEOUT_S: cluster_state:ok on every node before the deadline.
wait_ok() {
    local deadline=$((SECONDS + $1)) p all
    while [ "$SECONDS" -lt "$deadline" ]; do
        all=1
        for p in "${PORTS[@]}"; do
            if [ "$(cli "$p" cluster info | tr -d '\r' | grep '^cluster_state:')" != "cluster_state:ok" ]; then
                all=0
                break
            fi
        done
        [ "$all" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}
if wait_ok 30; then
    ok "cluster_state:ok on every node"
else
    not_ok "cluster_state:ok on every node" "$(printf '%s' "$create_out" | tail -n 3 | tr '\n' ' ')"
    finish
fi

flush_all() {
    local p
    for p in "${PORTS[@]}"; do cli "$p" flushall >/dev/null; done
}
sizes() {
    local p
    for p in "${PORTS[@]}"; do cli "$p" dbsize; done | tr '\n' ' ' | sed 's/ $//'
}
# counter_sum: the sum of every counter:* value on every master.
counter_sum() {
    local p k sum=0 v
    for p in "${PORTS[@]}"; do
        for k in $(cli "$p" --scan --pattern 'counter:*'); do
            v=$(cli "$p" get "$k")
            sum=$((sum + v))
        done
    done
    echo "$sum"
}
# check_rates LABEL OUTPUT TESTS...: a positive "<TEST>: <rate> requests per second" per test.
check_rates() {
    local label=$1 out=$2 t rate
    shift 2
    for t in "$@"; do
        rate=$(printf '%s\n' "$out" | grep -E "^$t: [0-9.]+ requests per second" | awk '{ print $2 }')
        if [ -n "$rate" ] && awk -v r="$rate" 'BEGIN { exit !(r > 0) }'; then
            ok "$label: $t reports a positive rate ($rate/s)"
        else
            not_ok "$label: $t reports a positive rate" "$(printf '%s' "$out" | tail -n 3 | tr '\n' '|')"
        fi
    done
}

# --- -q ---
flush_all
out=$(timeout 60 "$BENCH" --cluster -p "${PORTS[0]}" -t set,get -n 20000 -q 2>"$INTEROP_TMP/err")
check_eq "-q run exits 0" "0" "$?"
check_eq "-q run writes nothing on stderr (no error reply)" "" "$(cat "$INTEROP_TMP/err")"
check_match "the banner counts 3 master nodes" '^Cluster has 3 master nodes:' "$out"
masters=$(printf '%s\n' "$out" | grep -E '^Master [0-2]: [0-9a-f]{40} 127\.0\.0\.1:135(00|01|02)$' | awk '{ print $4 }' | sort | tr '\n' ' ')
check_eq "the banner names each master by ID and address" "127.0.0.1:13500 127.0.0.1:13501 127.0.0.1:13502 " "$masters"
check_rates "--cluster -q" "$out" SET GET
s=$(sizes)
nonzero=$(echo "$s" | tr ' ' '\n' | awk '$1 > 0 { n++ } END { print n + 0 }')
check_eq "SETs landed on every master (DBSIZE $s)" "3" "$nonzero"
# Without -r every client of a master writes the same key: key:{<tag of its first slot>}:__rand_int__.
check_eq "3 keys written in all, one per master" "3" "$(echo "$s" | tr ' ' '\n' | awk '{ n += $1 } END { print n }')"
bad=""
for p in "${PORTS[@]}"; do
    for k in $(cli "$p" --scan); do
        printf '%s' "$k" | grep -Eq '^key:\{[0-9A-Za-z]{3}\}:__rand_int__$' || bad="$bad $p:$k"
    done
done
check_eq "every key is key:{tag}:__rand_int__" "" "$bad"

# --- --csv ---
out=$(timeout 60 "$BENCH" --cluster -p "${PORTS[1]}" -t set,get -n 20000 --csv 2>"$INTEROP_TMP/err")
check_eq "--csv run exits 0" "0" "$?"
check_eq "--csv run writes nothing on stderr" "" "$(cat "$INTEROP_TMP/err")"
check_eq "--csv has redis-benchmark's header" \
    '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"' \
    "$(printf '%s\n' "$out" | grep '^"test"')"
for t in SET GET; do
    rps=$(printf '%s\n' "$out" | grep "^\"$t\"," | cut -d, -f2 | tr -d '"')
    if [ -n "$rps" ] && awk -v r="$rps" 'BEGIN { exit !(r > 0) }'; then
        ok "--csv: $t row with a positive rate ($rps)"
    else
        not_ok "--csv: $t row with a positive rate" "$(printf '%s' "$out" | tail -n 2 | tr '\n' '|')"
    fi
done

# --- INCR: exactly -n increments, spread over the masters ---
flush_all
out=$(timeout 60 "$BENCH" --cluster -p "${PORTS[2]}" -t incr -n 20000 -c 30 -P 16 -q 2>"$INTEROP_TMP/err")
check_eq "INCR -P 16 run exits 0 without errors" "0:" "$?:$(cat "$INTEROP_TMP/err")"
check_rates "--cluster -P 16" "$out" INCR
check_eq "one counter per master (DBSIZE)" "1 1 1" "$(sizes)"
check_eq "the counters sum to -n" "20000" "$(counter_sum)"

# --- full report ---
out=$(timeout 60 "$BENCH" --cluster -p "${PORTS[0]}" -t get -n 5000 2>&1)
check_match "the report says cluster mode with 3 masters" '^  cluster mode: yes \(3 masters\)$' "$out"
check_eq "the report shows each node's configuration" "3" "$(printf '%s\n' "$out" | grep -cE '^  node \[[0-2]\] configuration:$')"

# --- --threads 2 against the cluster ---
flush_all
out=$(timeout 60 "$BENCH" --cluster --threads 2 -p "${PORTS[0]}" -t incr -n 20000 -c 30 -P 16 -q 2>"$INTEROP_TMP/err")
check_eq "--threads 2 --cluster INCR run exits 0 without errors" "0:" "$?:$(cat "$INTEROP_TMP/err")"
check_rates "--threads 2 --cluster" "$out" INCR
check_eq "--threads 2: one counter per master (DBSIZE)" "1 1 1" "$(sizes)"
check_eq "--threads 2: the counters sum to exactly -n" "20000" "$(counter_sum)"
out=$(timeout 60 "$BENCH" --cluster --threads 2 -p "${PORTS[1]}" -t set,get -n 20000 --csv 2>"$INTEROP_TMP/err")
check_eq "--threads 2 --cluster --csv exits 0 without errors" "0:" "$?:$(cat "$INTEROP_TMP/err")"
for t in SET GET; do
    rps=$(printf '%s\n' "$out" | grep "^\"$t\"," | cut -d, -f2 | tr -d '"')
    if [ -n "$rps" ] && awk -v r="$rps" 'BEGIN { exit !(r > 0) }'; then
        ok "--threads 2 --cluster --csv: $t row with a positive rate ($rps)"
    else
        not_ok "--threads 2 --cluster --csv: $t row with a positive rate" "$(printf '%s' "$out" | tail -n 2 | tr '\n' '|')"
    fi
done
out=$(timeout 60 "$BENCH" --cluster --threads 2 -p "${PORTS[0]}" -t get -n 5000 2>&1)
check_match "--threads 2 --cluster report: cluster mode" '^  cluster mode: yes \(3 masters\)$' "$out"
check_eq "--threads 2 --cluster report: multi-thread: yes, then threads: 2" "  multi-thread: yes
  threads: 2" "$(printf '%s\n' "$out" | grep -A1 '^  multi-thread:')"
check_match "--threads 2 --cluster report: 5000 requests completed" '^  5000 requests completed in ' "$out"

# --- MOVED/ASK under a live reshard ---
flush_all
N=600000
timeout 120 "$BENCH" --cluster -p "${PORTS[0]}" -t incr -n $N -c 30 -q >"$INTEROP_TMP/out" 2>"$INTEROP_TMP/err" &
bench_pid=$!
INTEROP_PIDS+=("$bench_pid")
sleep 1
from=$(cli "${PORTS[0]}" cluster myid)
to=$(cli "${PORTS[1]}" cluster myid)
# Slot 0 is the first slot of ${PORTS[0]}'s range: the one its clients write to.
rs_out=$(timeout 60 "$CLI" --cluster reshard "127.0.0.1:${PORTS[0]}" --cluster-from "$from" \
    --cluster-to "$to" --cluster-slots 1 --cluster-yes 2>&1)
check_eq "redis-cli --cluster reshard of slot 0 under load exits 0" "0" "$?"
wait "$bench_pid"
check_eq "the benchmark exits 0 after the reshard" "0" "$?"
INTEROP_PIDS=("${INTEROP_PIDS[@]/$bench_pid/}")  # reaped: its pid must not be signalled later
err=$(cat "$INTEROP_TMP/err")
check_match "MOVED/ASK replies are counted and the slot map reloaded" \
    '^INCR: [0-9]+ error replies \([0-9]+ MOVED/ASK, slot map reloaded [1-9][0-9]* times\)$' "$err"
errors=$(printf '%s\n' "$err" | sed -nE 's/^INCR: ([0-9]+) error replies.*/\1/p')
check_rates "--cluster during a reshard" "$(cat "$INTEROP_TMP/out")" INCR
check_eq "counters sum to -n minus the redirected INCRs ($errors)" "$((N - ${errors:-0}))" "$(counter_sum)"
check_eq "slot 0 now belongs to ${PORTS[1]}" "${PORTS[1]}" \
    "$(cli "${PORTS[0]}" cluster slots | tr '\n' ' ' | grep -oE '^0 0 127\.0\.0\.1 [0-9]+' | awk '{ print $4 }')"

# --- --threads 2 under a live reshard: slot 0 (now ${PORTS[1]}'s first slot) moves back ---
flush_all
N=600000
timeout 120 "$BENCH" --cluster --threads 2 -p "${PORTS[0]}" -t incr -n $N -c 30 -q >"$INTEROP_TMP/out" 2>"$INTEROP_TMP/err" &
bench_pid=$!
INTEROP_PIDS+=("$bench_pid")
sleep 1
rs_out=$(timeout 60 "$CLI" --cluster reshard "127.0.0.1:${PORTS[1]}" --cluster-from "$to" \
    --cluster-to "$from" --cluster-slots 1 --cluster-yes 2>&1)
check_eq "reshard of slot 0 back under a --threads 2 load exits 0" "0" "$?"
wait "$bench_pid"
check_eq "--threads 2: the benchmark exits 0 after the reshard" "0" "$?"
INTEROP_PIDS=("${INTEROP_PIDS[@]/$bench_pid/}")
err=$(cat "$INTEROP_TMP/err")
check_match "--threads 2: MOVED/ASK counted and the slot map reloaded" \
    '^INCR: [0-9]+ error replies \([0-9]+ MOVED/ASK, slot map reloaded [1-9][0-9]* times\)$' "$err"
errors=$(printf '%s\n' "$err" | sed -nE 's/^INCR: ([0-9]+) error replies.*/\1/p')
check_rates "--threads 2 during a reshard" "$(cat "$INTEROP_TMP/out")" INCR
check_eq "--threads 2: counters sum to -n minus the redirected INCRs ($errors)" "$((N - ${errors:-0}))" "$(counter_sum)"
# {06S} hashes to slot 0: its owner answers without MOVED.
check_eq "slot 0 belongs to ${PORTS[0]} again" "OK" "$(cli "${PORTS[0]}" set '{06S}probe' 1)"

# --- --threads 2 against a standalone server ---
TP=13504
if ! start_server "$TP"; then
    not_ok "standalone server starts on port $TP" "see log above"
    finish
fi
out=$(timeout 60 "$BENCH" -p $TP --threads 2 -t incr -n 20000 -P 16 -q 2>"$INTEROP_TMP/err")
check_eq "--threads 2 standalone INCR exits 0 without errors" "0:" "$?:$(cat "$INTEROP_TMP/err")"
check_rates "--threads 2 standalone" "$out" INCR
check_eq "--threads 2: the counter is exactly -n" "20000" "$(cli $TP get counter:__rand_int__)"
out=$(timeout 60 "$BENCH" -p $TP --threads 2 -t incr -n 20001 -c 7 -q 2>"$INTEROP_TMP/err")
check_eq "--threads 2 -c 7 -n 20001 (uneven shares) exits 0" "0:" "$?:$(cat "$INTEROP_TMP/err")"
check_eq "--threads 2 -c 7: the counter grew by exactly -n" "40001" "$(cli $TP get counter:__rand_int__)"
out=$(timeout 60 "$BENCH" -p $TP --threads 3 -t set,get -n 20000 -r 1000 --csv 2>"$INTEROP_TMP/err")
check_eq "--threads 3 --csv exits 0" "0:" "$?:$(cat "$INTEROP_TMP/err")"
for t in SET GET; do
    rps=$(printf '%s\n' "$out" | grep "^\"$t\"," | cut -d, -f2 | tr -d '"')
    if [ -n "$rps" ] && awk -v r="$rps" 'BEGIN { exit !(r > 0) }'; then
        ok "--threads 3 --csv: $t row with a positive rate ($rps)"
    else
        not_ok "--threads 3 --csv: $t row with a positive rate" "$(printf '%s' "$out" | tail -n 2 | tr '\n' '|')"
    fi
done
out=$(timeout 60 "$BENCH" -p $TP --threads 2 -t set -n 10000 2>&1)
# The lines between the host configuration and the distribution, as redis-benchmark 7 prints them
# (its live progress line ends in \r, not \n: cut it off).
thread_lines() { tr '\r' '\n' | sed -n '/^  host configuration "appendonly"/,/^Latency by percentile/p'; }
ours=$(printf '%s\n' "$out" | thread_lines)
check_eq "--threads 2 report: multi-thread: yes, threads: 2" '  host configuration "appendonly": no
  multi-thread: yes
  threads: 2

Latency by percentile distribution:' "$ours"
check_match "--threads 2 report: 10000 requests completed" '^  10000 requests completed in ' "$out"
ref=$(timeout 60 redis-benchmark -p $TP --threads 2 -t set -n 1000 2>/dev/null | thread_lines)
check_eq "the thread lines as Debian's redis-benchmark prints them" "$ref" "$ours"
out=$(timeout 60 "$BENCH" -p $TP --threads 1 -t set -n 1000 2>&1)
check_match "--threads 1 report: multi-thread: no" '^  multi-thread: no$' "$out"
check_eq "--threads 1 report: no threads line" "0" "$(printf '%s\n' "$out" | grep -c '^  threads:')"
out=$(timeout 20 "$BENCH" -p 13519 --threads 2 -t set -n 1000 -q 2>&1)
check_eq "--threads 2 against a closed port exits 1" "1" "$?"
check_match "--threads 2 against a closed port says why" '^Could not connect to Redis at 127\.0\.0\.1:13519: Connection refused$' "$out"

# --- slotcache-cli --pipe ---
SCLI=${SLOTCACHE_CLI:-$INTEROP_REPO/src/slotcache-cli}
PP=13503
if ! start_server "$PP"; then
    not_ok "standalone server starts on port $PP" "see log above"
    finish
fi
pipe_pid=${INTEROP_PIDS[-1]}
/usr/bin/python3 - >"$INTEROP_TMP/sets.resp" <<'PY'
import sys
out = []
for i in range(100000):
    k, v = "key:%d" % i, "value:%d" % i
    out.append("*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
sys.stdout.write("".join(out))
PY
out=$(timeout 60 "$SCLI" -p $PP --pipe <"$INTEROP_TMP/sets.resp" 2>&1)
check_eq "--pipe of 100,000 SETs exits 0" "0" "$?"
check_eq "--pipe prints redis-cli's three lines" "All data transferred. Waiting for the last reply...
Last reply received from server.
errors: 0, replies: 100000" "$out"
check_eq "DBSIZE is 100000 after --pipe" "100000" "$(cli $PP dbsize)"
check_eq "a piped value is stored" "value:99999" "$(cli $PP get key:99999)"

# $(...) drops the last "\n": the input ends mid-line, which the marker's leading CRLF absorbs.
errs=$(printf 'SET a 1\r\nINCR a b c\r\nNOSUCHCOMMAND\r\nGET a\r\n')
out=$(printf '%s' "$errs" | timeout 20 "$SCLI" -p $PP --pipe 2>"$INTEROP_TMP/err")
check_eq "--pipe with error replies exits 1" "1" "$?"
check_eq "--pipe counts the errors among the replies" "errors: 2, replies: 4" "$(printf '%s\n' "$out" | tail -n 1)"
ref=$(printf '%s' "$errs" | timeout 20 "$CLI" -p $PP --pipe 2>&1 | grep -v '^All data\|^Last reply' | sort)
check_eq "--pipe error lines and counts as redis-cli's" "$ref" \
    "$( (cat "$INTEROP_TMP/err"; printf '%s\n' "$out") | grep -v '^All data\|^Last reply' | sort)"

kill -STOP "$pipe_pid"
start=$SECONDS
out=$(printf 'SET a 1\r\n' | timeout 20 "$SCLI" -p $PP --pipe --pipe-timeout 1 2>&1)
rc=$?
kill -CONT "$pipe_pid"
check_eq "--pipe-timeout 1 on a stopped server exits 1" "1" "$rc"
check_match "--pipe-timeout says why and counts it as an error" \
    'No replies for 1 seconds: exiting\.' "$out"
check_match "--pipe-timeout: errors: 1, replies: 0" 'errors: 1, replies: 0$' "$out"
if [ $((SECONDS - start)) -le 5 ]; then ok "--pipe-timeout 1 gives up within 5 s"; else not_ok "--pipe-timeout 1 gives up within 5 s" "$((SECONDS - start)) s"; fi
server_alive $PP && ok "the server answers after SIGCONT" || not_ok "the server answers after SIGCONT" "no PONG"

finish
