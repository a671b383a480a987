#!/usr/bin/env bash
# Interop suite: Debian's redis-cli 7 against the server under test ($SLOTCACHE_SERVER).
#
# What: the ways people drive redis-cli from scripts - commands as arguments, --raw and
# --no-raw output, commands piped on stdin, --pipe mass insertion, -n, -a, --scan, -x,
# -r, info keyspace, --bigkeys - each compared with what redis-cli prints against Redis 7.
# Approach: one server (port 12000) plus one with requirepass (port 12001); outputs are compared
# as text, since redis-cli's formatting is exactly what a user's script parses.
# Rejected: interactive mode (needs a tty; covered by tmux-driven manual checks, not CI) and
# --latency/--stat (unbounded by design).
# Ports: 12000-12009.

# Run with sh by a runner: re-run under bash before any bash syntax is parsed.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi

set -u
. "$(dirname "$0")/lib.bash"

P=12000
PA=12001

if ! start_server "$P"; then
    not_ok "server starts on port $P" "see log above"
    finish
fi
ok "server starts on port $P and answers PING"

# --- commands as arguments (stdout not a tty: redis-cli prints raw replies) ---
cli $P flushall >/dev/null
check_eq "SET as arguments replies OK" "OK" "$(cli $P set greeting hello)"
check_eq "GET as arguments returns the value" "hello" "$(cli $P get greeting)"
check_eq "GET of a missing key prints an empty line" "" "$(cli $P get nosuchkey)"
check_eq "INCR of a new key returns 1" "1" "$(cli $P incr counter)"
check_eq "INCR again returns 2" "2" "$(cli $P incr counter)"
check_eq "INCRBY 40 returns 42" "42" "$(cli $P incrby counter 40)"
check_eq "MSET replies OK" "OK" "$(cli $P mset k1 v1 k2 v2 k3 v3)"
check_eq "MGET returns values and an empty line for nil" $'v1\nv2\n\nv3' "$(cli $P mget k1 k2 missing k3)"
check_eq "EXPIRE on an existing key returns 1" "1" "$(cli $P expire k1 100)"
check_match "TTL is between 1 and 100" '^(100|[1-9][0-9]?)$' "$(cli $P ttl k1)"
check_eq "TTL of a key without expiry is -1" "-1" "$(cli $P ttl k2)"
check_eq "TTL of a missing key is -2" "-2" "$(cli $P ttl missing)"
check_eq "EXPIRE on a missing key returns 0" "0" "$(cli $P expire missing 100)"
check_eq "DEL of two existing and one missing key returns 2" "2" "$(cli $P del k2 k3 missing)"
check_eq "EXISTS counts present keys" "1" "$(cli $P exists k1 k2)"
check_eq "KEYS with a pattern lists the matching keys" $'counter' "$(cli $P keys 'count*' | sort)"
check_eq "KEYS * lists every key" $'counter\ngreeting\nk1' "$(cli $P keys '*' | sort)"
scan_out=$(cli $P scan 0 count 1000)
check_eq "SCAN 0 COUNT 1000 returns cursor 0 first" "0" "$(printf '%s\n' "$scan_out" | head -n 1)"
check_eq "SCAN 0 COUNT 1000 returns every key" $'counter\ngreeting\nk1' \
    "$(printf '%s\n' "$scan_out" | tail -n +2 | sort)"
check_eq "SCAN MATCH filters keys" $'0\ngreeting' "$(cli $P scan 0 match 'gr*' count 1000)"

# --- errors as printed by redis-cli ---
check_eq "INCR of a non-integer prints Redis' error" \
    "ERR value is not an integer or out of range" "$(cli $P incr greeting)"
check_eq "wrong arity prints Redis' error" \
    "ERR wrong number of arguments for 'get' command" "$(cli $P get a b)"
check_match "unknown command prints Redis' error" \
    "^ERR unknown command 'nosuchcommand', with args beginning with: 'x' ?$" "$(cli $P nosuchcommand x)"

# --- --raw and --no-raw output formats ---
check_eq "--no-raw prints (integer)" "(integer) 43" "$(cli $P --no-raw incr counter)"
check_eq "--no-raw prints a quoted string" '"hello"' "$(cli $P --no-raw get greeting)"
check_eq "--no-raw prints (nil)" "(nil)" "$(cli $P --no-raw get nosuchkey)"
check_eq "--no-raw prints OK" "OK" "$(cli $P --no-raw set k1 v1)"
check_eq "--no-raw prints an array with indexes and (nil)" $'1) "v1"\n2) (nil)' \
    "$(cli $P --no-raw mget k1 missing)"
check_eq "--no-raw prints (error)" "(error) ERR value is not an integer or out of range" \
    "$(cli $P --no-raw incr greeting)"
check_eq "--raw prints an integer bare" "44" "$(cli $P --raw incr counter)"
cli $P set binkey $'line1\nline2' >/dev/null
check_eq "--raw prints a multi-line value verbatim" $'line1\nline2' "$(cli $P --raw get binkey)"
check_eq "--no-raw escapes a newline inside a value" '"line1\nline2"' "$(cli $P --no-raw get binkey)"
check_eq "-r 3 repeats a command" $'1\n2\n3' "$(cli $P -r 3 incr repeated)"

# --- commands piped on stdin ---
piped=$(printf 'set piped 10\nincr piped\nget piped\nget nosuchkey\ndel piped\n' | cli $P)
check_eq "commands piped on stdin run in order" $'OK\n11\n11\n\n1' "$piped"
check_eq "a quoted argument on stdin keeps its space" "a b" \
    "$(printf 'set spaced "a b"\nget spaced\n' | cli $P | tail -n 1)"

# --- -x reads the last argument from stdin ---
printf 'first line\nsecond line\n' >"$INTEROP_TMP/xfile"
check_eq "-x set reads the value from a file" "OK" "$(cli $P -x set fromfile <"$INTEROP_TMP/xfile")"
check_eq "the value set by -x has the file's length" "23" "$(cli $P strlen fromfile)"
check_eq "the value set by -x has the file's content" $'first line\nsecond line' \
    "$(cli $P --raw get fromfile)"

# --- --scan --pattern ---
cli $P mset user:1 a user:2 b user:3 c other:1 d >/dev/null
check_eq "--scan --pattern lists the matching keys" $'user:1\nuser:2\nuser:3' \
    "$(cli $P --scan --pattern 'user:*' | sort)"
check_eq "--scan with no pattern lists every key" "$(cli $P keys '*' | sort)" \
    "$(cli $P --scan | sort)"

# --- info keyspace ---
cli $P expire user:1 1000 >/dev/null
nkeys=$(cli $P dbsize)
info=$(cli $P info keyspace | tr -d '\r')
check_eq "INFO keyspace starts with its section header" "# Keyspace" "$(printf '%s\n' "$info" | head -n 1)"
check_match "INFO keyspace reports db0 keys and expires (SET cleared k1's TTL)" \
    "^db0:keys=$nkeys,expires=1,avg_ttl=[0-9]+$" "$(printf '%s\n' "$info" | grep '^db0:')"

# --- --bigkeys on strings ---
cli $P set bigstring "$(printf '%0500d' 0)" >/dev/null
big=$(cli $P --bigkeys)
check_match "--bigkeys finds the biggest string" \
    "Biggest string found '\"bigstring\"' has 500 bytes" "$big"
check_match "--bigkeys counts every key as sampled" "Sampled $((nkeys + 1)) keys in the keyspace!" "$big"

# --- -n selects a database ---
check_eq "-n 1 SET replies OK" "OK" "$(cli $P -n 1 set indb1 yes)"
check_eq "-n 1 GET sees the key" "yes" "$(cli $P -n 1 get indb1)"
check_eq "-n 1 DBSIZE counts only db 1" "1" "$(cli $P -n 1 dbsize)"
check_eq "db 0 does not see db 1's key" "" "$(cli $P get indb1)"
check_match "INFO keyspace lists db1" "^db1:keys=1,expires=0,avg_ttl=0" \
    "$(cli $P info keyspace | tr -d '\r' | grep '^db1:')"
check_eq "FLUSHALL empties every database" "OK" "$(cli $P flushall)"
check_eq "db 1 is empty after FLUSHALL" "0" "$(cli $P -n 1 dbsize)"

# --- --pipe mass insertion of 100,000 SETs ---
/usr/bin/python3 - "$INTEROP_TMP/mass.resp" <<'EOF'
import sys
with open(sys.argv[1], "wb") as f:
    parts = []
    for i in range(100000):
        k = b"mass:%d" % i
        v = b"value-%d" % i
        parts.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
    f.write(b"".join(parts))
EOF
pipe_out=$(timeout 40 "$CLI" -p $P --pipe <"$INTEROP_TMP/mass.resp" 2>&1)
check_match "--pipe reports no errors and 100000 replies" "errors: 0, replies: 100000" "$pipe_out"
check_eq "DBSIZE after --pipe is 100000" "100000" "$(cli $P dbsize)"
check_eq "a key inserted by --pipe has its value" "value-99999" "$(cli $P get mass:99999)"
check_eq "--scan counts the 100000 keys" "100000" "$(cli $P --scan --pattern 'mass:*' | wc -l | tr -d ' ')"

if server_alive $P; then ok "server is alive after the suite"; else not_ok "server is alive after the suite" "no PONG"; fi

# --- -a with requirepass ---
if ! start_server "$PA" --requirepass s3cret; then
    not_ok "server with requirepass starts on port $PA" "see log above"
    finish
fi
check_eq "without -a a command gets NOAUTH" "NOAUTH Authentication required." "$(cli $PA get x)"
check_eq "-a with the right password runs the command" "PONG" "$(cli $PA --no-auth-warning -a s3cret ping)"
check_eq "-a with the right password can SET" "OK" "$(cli $PA --no-auth-warning -a s3cret set x 1)"
check_match "-a with a wrong password reports AUTH failed" \
    "AUTH failed: WRONGPASS invalid username-password pair or user is disabled." \
    "$(cli $PA --no-auth-warning -a wrong ping)"
check_eq "AUTH piped on stdin authenticates the connection" $'OK\n1' \
    "$(printf 'auth s3cret\nget x\n' | cli $PA)"

finish
