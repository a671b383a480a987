#!/usr/bin/python3
"""Interop suite: redis-py (Debian's python3-redis 4.3.4) against the server under test.

What: the string, key and server commands through redis-py's own API, so that every reply is
parsed by redis-py's RESP2 parser and its per-command callbacks (INFO into a dict of ints,
COMMAND into per-command dicts, CLIENT LIST, SLOWLOG GET, SCAN, TIME, ...), pipelines, the
exception classes and messages, a password-protected server and a unix socket.
Approach: one server on port 12020 (also on a unix socket) and one with requirepass on 12021,
both started as `$SLOTCACHE_SERVER --port P ...`, readiness by polling PING with a deadline
(interop_lib.py); one "ok - " / "not ok - " line per check and "N passed, N failed" last.
Rejected: pytest (not installed for /usr/bin/python3, and one file with no dependency is what
the CI's `sh` runner wants); lists/hashes/cluster (not yet in slotcache).
Must run with /usr/bin/python3: the python3 on PATH lacks the redis module.
Ports: 12020-12029.
"""

import os
import threading
import time

import redis

from interop_lib import COUNTS, check, eq, finish, start_node, tmpdir

PORT = 12020
AUTH_PORT = 12021
PASSWORD = "s3cret"

TMP = tmpdir("slotcache-interop-py.")
SOCKET = os.path.join(TMP, "server.sock")


def start_server(port, *extra):
    """Starts the server under test; True once it answers PING (10 s deadline)."""
    return start_node(TMP, port, ["--enable-debug-command", "yes", *extra])


def raises(exc_class, message, fn, *args, **kwargs):
    """fn(*args) raises exactly exc_class (not a subclass check only) with str(e) == message."""
    try:
        fn(*args, **kwargs)
    except exc_class as e:
        if message is not None:
            eq(str(e), message)
        return e
    raise AssertionError(f"{exc_class.__name__} not raised")


def client(**kwargs):
    return redis.Redis(host="127.0.0.1", port=PORT, socket_timeout=10, **kwargs)


# ---------------------------------------------------------------------------------------------

def strings_checks(r):
    check("PING returns True", lambda: eq(r.ping(), True))
    check("SET returns True (+OK)", lambda: eq(r.set("s:k", "v"), True))
    check("GET returns bytes", lambda: eq(r.get("s:k"), b"v"))
    check("GET of a missing key returns None (nil bulk)", lambda: eq(r.get("s:missing"), None))
    check("GET of an empty value returns b'' (empty bulk)",
          lambda: (r.set("s:empty", ""), eq(r.get("s:empty"), b"")))
    binary = b"a\r\nb\x00c\xff" * 3
    check("binary value with CR LF NUL round-trips",
          lambda: (r.set(b"s:bin\x00key", binary), eq(r.get(b"s:bin\x00key"), binary)))
    big = os.urandom(1 << 20)
    check("1 MiB value round-trips", lambda: (r.set("s:big", big), eq(r.get("s:big"), big)))
    check("INCR of a new key returns int 1", lambda: eq(r.incr("s:n"), 1))
    check("INCRBY returns the new int", lambda: eq(r.incrby("s:n", 41), 42))
    check("DECR returns the new int", lambda: eq(r.decr("s:n"), 41))
    check("DECRBY to negative returns a negative int", lambda: eq(r.decrby("s:n", 50), -9))
    check("INCRBYFLOAT returns a float", lambda: eq(r.incrbyfloat("s:f", 1.5), 1.5))
    check("INCRBYFLOAT again", lambda: eq(r.incrbyfloat("s:f", "0.25"), 1.75))
    check("APPEND returns the new length", lambda: eq(r.append("s:k", "xyz"), 4))
    check("STRLEN returns the length", lambda: eq(r.strlen("s:k"), 4))
    check("GETRANGE returns the substring", lambda: eq(r.getrange("s:k", 1, -1), b"xyz"))
    check("SETRANGE returns the new length", lambda: eq(r.setrange("s:k", 6, "!"), 7))
    check("SETRANGE pads with zero bytes", lambda: eq(r.get("s:k"), b"vxyz\x00\x00!"))
    check("MSET returns True", lambda: eq(r.mset({"s:a": "1", "s:b": "2"}), True))
    check("MGET returns values with None for missing keys",
          lambda: eq(r.mget(["s:a", "s:missing", "s:b"]), [b"1", None, b"2"]))
    check("MSETNX with an existing key returns False",
          lambda: eq(r.msetnx({"s:a": "x", "s:new1": "y"}), False))
    check("MSETNX with new keys returns True",
          lambda: eq(r.msetnx({"s:new2": "x", "s:new3": "y"}), True))
    check("SETNX on an existing key returns False", lambda: eq(r.setnx("s:a", "z"), False))
    check("SETEX sets a TTL", lambda: (eq(r.setex("s:ex", 100, "v"), True),
                                       assert_between(r.ttl("s:ex"), 99, 100)))
    check("PSETEX sets a TTL in ms", lambda: (eq(r.psetex("s:pex", 50000, "v"), True),
                                              assert_between(r.pttl("s:pex"), 49000, 50000)))
    check("GETSET returns the old value", lambda: eq(r.getset("s:a", "11"), b"1"))
    check("GETDEL returns the value and deletes", lambda: (eq(r.getdel("s:a"), b"11"),
                                                           eq(r.exists("s:a"), 0)))
    check("ECHO returns its argument", lambda: eq(r.echo("hello"), b"hello"))


def assert_between(value, low, high):
    assert isinstance(value, int), f"{value!r} is not an int"
    assert low <= value <= high, f"{value} not in [{low}, {high}]"


def set_option_checks(r):
    r.delete("o:k", "o:new")
    check("SET ex= sets a TTL in seconds",
          lambda: (eq(r.set("o:k", "1", ex=100), True), assert_between(r.ttl("o:k"), 99, 100)))
    check("SET px= sets a TTL in ms",
          lambda: (eq(r.set("o:k", "2", px=50000), True), assert_between(r.pttl("o:k"), 49000, 50000)))
    check("SET nx=True on an existing key returns None", lambda: eq(r.set("o:k", "3", nx=True), None))
    check("SET xx=True on a missing key returns None", lambda: eq(r.set("o:new", "1", xx=True), None))
    check("SET xx=True on an existing key returns True", lambda: eq(r.set("o:k", "4", xx=True), True))
    check("SET without KEEPTTL clears the TTL", lambda: eq(r.ttl("o:k"), -1))
    r.expire("o:k", 200)
    check("SET keepttl=True keeps the TTL",
          lambda: (eq(r.set("o:k", "5", keepttl=True), True), assert_between(r.ttl("o:k"), 199, 200)))
    check("SET get=True returns the old value", lambda: eq(r.set("o:k", "6", get=True), b"5"))
    check("SET get=True on a missing key returns None", lambda: eq(r.set("o:new", "1", get=True), None))
    check("SET nx=True, get=True on an existing key returns the old value",
          lambda: eq(r.set("o:k", "7", nx=True, get=True), b"6"))
    check("SET exat= sets an absolute expiry",
          lambda: (r.set("o:k", "8", exat=int(time.time()) + 300), assert_between(r.ttl("o:k"), 298, 300)))
    check("SET pxat= sets an absolute expiry in ms",
          lambda: (r.set("o:k", "9", pxat=int(time.time() * 1000) + 300000),
                   assert_between(r.pttl("o:k"), 298000, 300000)))
    check("SET ex=0 raises ResponseError with Redis' message",
          lambda: raises(redis.ResponseError, "invalid expire time in 'set' command",
                         r.set, "o:k", "1", ex=0))
    check("SET with nx and xx raises ResponseError syntax error",
          lambda: raises(redis.ResponseError, "syntax error", r.set, "o:k", "1", nx=True, xx=True))
    check("SET ex='abc' raises DataError before sending",
          lambda: raises(redis.DataError, "ex must be datetime.timedelta or int", r.set, "o:k", "1", ex="abc"))


def getex_checks(r):
    r.set("g:k", "v")
    check("GETEX ex= returns the value and sets a TTL",
          lambda: (eq(r.getex("g:k", ex=100), b"v"), assert_between(r.ttl("g:k"), 99, 100)))
    check("GETEX px= sets a TTL in ms",
          lambda: (eq(r.getex("g:k", px=40000), b"v"), assert_between(r.pttl("g:k"), 39000, 40000)))
    check("GETEX persist=True removes the TTL",
          lambda: (eq(r.getex("g:k", persist=True), b"v"), eq(r.ttl("g:k"), -1)))
    check("GETEX without options leaves the key", lambda: eq(r.getex("g:k"), b"v"))
    check("GETEX of a missing key returns None", lambda: eq(r.getex("g:missing", ex=10), None))


def key_checks(r):
    r.flushdb()
    r.mset({"k:a": "1", "k:b": "2", "k:c": "3", "other": "4"})
    check("EXISTS counts present keys", lambda: eq(r.exists("k:a", "k:b", "k:zz"), 2))
    check("DEL returns the number deleted", lambda: eq(r.delete("k:c", "k:zz"), 1))
    check("UNLINK returns the number unlinked", lambda: (r.set("k:u", 1), eq(r.unlink("k:u"), 1)))
    check("TYPE of a string is b'string'", lambda: eq(r.type("k:a"), b"string"))
    check("TYPE of a missing key is b'none'", lambda: eq(r.type("k:zz"), b"none"))
    check("KEYS with a pattern returns a list", lambda: eq(sorted(r.keys("k:*")), [b"k:a", b"k:b"]))
    check("KEYS with no match returns [] (empty array)", lambda: eq(r.keys("nomatch*"), []))
    check("RANDOMKEY returns an existing key",
          lambda: eq(r.randomkey() in (b"k:a", b"k:b", b"other"), True))
    check("TOUCH counts present keys", lambda: eq(r.touch("k:a", "k:zz"), 1))
    check("EXPIRE returns True", lambda: eq(r.expire("k:a", 100), True))
    check("TTL returns the remaining seconds", lambda: assert_between(r.ttl("k:a"), 99, 100))
    check("PTTL returns the remaining ms", lambda: assert_between(r.pttl("k:a"), 99000, 100000))
    check("EXPIRE nx=True on a key with a TTL returns False", lambda: eq(r.expire("k:a", 50, nx=True), False))
    check("EXPIRE gt=True with a smaller TTL returns False", lambda: eq(r.expire("k:a", 50, gt=True), False))
    check("EXPIRE lt=True with a smaller TTL returns True", lambda: eq(r.expire("k:a", 50, lt=True), True))
    check("EXPIRE xx=True on a key without TTL returns False", lambda: eq(r.expire("k:b", 50, xx=True), False))
    check("EXPIRE on a missing key returns False", lambda: eq(r.expire("k:zz", 100), False))
    now = int(time.time())
    check("EXPIREAT then EXPIRETIME returns the absolute time",
          lambda: (eq(r.expireat("k:a", now + 1000), True), eq(r.expiretime("k:a"), now + 1000)))
    check("PEXPIREAT then PEXPIRETIME returns the absolute ms",
          lambda: (eq(r.pexpireat("k:a", now * 1000 + 123456), True),
                   eq(r.pexpiretime("k:a"), now * 1000 + 123456)))
    check("EXPIRETIME of a key without TTL is -1", lambda: eq(r.expiretime("k:b"), -1))
    check("EXPIRETIME of a missing key is -2", lambda: eq(r.expiretime("k:zz"), -2))
    check("PEXPIRE returns True", lambda: (eq(r.pexpire("k:a", 100000), True),
                                           assert_between(r.pttl("k:a"), 99000, 100000)))
    check("PERSIST returns True and clears the TTL",
          lambda: (eq(r.persist("k:a"), True), eq(r.ttl("k:a"), -1)))
    check("TTL of a missing key is -2", lambda: eq(r.ttl("k:zz"), -2))
    check("a key with PX 50 expires", lambda: (r.set("k:short", "1", px=50), time.sleep(0.2),
                                               eq(r.get("k:short"), None), eq(r.exists("k:short"), 0)))
    check("RENAME returns True", lambda: (eq(r.rename("other", "renamed"), True),
                                          eq(r.get("renamed"), b"4")))
    check("RENAME of a missing key raises ResponseError 'no such key'",
          lambda: raises(redis.ResponseError, "no such key", r.rename, "k:zz", "x"))
    check("RENAMENX onto an existing key returns False", lambda: eq(r.renamenx("renamed", "k:a"), False))
    check("COPY to a new key returns True",
          lambda: (eq(r.copy("k:a", "k:copy"), True), eq(r.get("k:copy"), b"1")))
    check("COPY onto an existing key returns False", lambda: eq(r.copy("k:b", "k:copy"), False))
    check("COPY replace=True overwrites",
          lambda: (eq(r.copy("k:b", "k:copy", replace=True), True), eq(r.get("k:copy"), b"2")))
    check("COPY keeps the TTL", lambda: (r.expire("k:b", 500), r.copy("k:b", "k:copy2"),
                                         assert_between(r.ttl("k:copy2"), 499, 500)))
    check("DBSIZE returns an int", lambda: eq(r.dbsize(), len(r.keys("*"))))


def object_checks(r):
    r.set("e:int", 12345)
    r.set("e:short", "hello")
    r.set("e:long", "x" * 100)
    check("OBJECT ENCODING of an integer is b'int'", lambda: eq(r.object("encoding", "e:int"), b"int"))
    check("OBJECT ENCODING of a short string is b'embstr'",
          lambda: eq(r.object("encoding", "e:short"), b"embstr"))
    check("OBJECT ENCODING of a 100-byte string is b'raw'",
          lambda: eq(r.object("encoding", "e:long"), b"raw"))
    check("OBJECT ENCODING of a missing key is None", lambda: eq(r.object("encoding", "e:zz"), None))
    check("OBJECT IDLETIME returns an int", lambda: assert_between(r.object("idletime", "e:int"), 0, 10))
    check("OBJECT FREQ without an LFU policy raises ResponseError",
          lambda: raises(redis.ResponseError,
                         "An LFU maxmemory policy is not selected, access frequency not tracked. "
                         "Please note that when switching between policies at runtime LRU and LFU "
                         "data will take some time to adjust.", r.object, "freq", "e:int"))


def scan_checks(r):
    r.flushdb()
    with r.pipeline(transaction=False) as p:
        for i in range(1000):
            p.set(f"user:{i}", i)
        for i in range(100):
            p.set(f"other:{i}", i)
        p.execute()
    expected = {f"user:{i}".encode() for i in range(1000)}
    check("scan_iter(match=) yields every matching key once",
          lambda: eq(sorted(r.scan_iter(match="user:*", count=50)), sorted(expected)))
    check("scan_iter() yields every key", lambda: eq(len(set(r.scan_iter(count=100))), 1100))

    def scan_shape():
        cursor, keys = r.scan(cursor=0, count=10)
        assert isinstance(cursor, int) and cursor > 0, cursor
        assert isinstance(keys, list) and len(keys) >= 1, keys
    check("SCAN returns (int cursor, list of keys)", scan_shape)
    check("SCAN with a bad cursor raises ResponseError",
          lambda: raises(redis.ResponseError, "invalid cursor", r.execute_command, "SCAN", "abc"))


def pipeline_checks(r):
    r.delete("p:n", "p:s")

    def basic():
        p = r.pipeline(transaction=False)
        p.set("p:s", "v").get("p:s").incr("p:n").incr("p:n").mget("p:s", "p:zz").get("p:zz").delete("p:zz")
        eq(p.execute(), [True, b"v", 1, 2, [b"v", None], None, 0])
    check("pipeline (transaction=False) returns each reply parsed", basic)

    def with_error():
        p = r.pipeline(transaction=False)
        p.set("p:s", "v").incr("p:s").get("p:s")
        res = p.execute(raise_on_error=False)
        eq(res[0], True)
        assert isinstance(res[1], redis.ResponseError), res[1]
        eq(str(res[1]), "value is not an integer or out of range")
        eq(res[2], b"v")
    check("pipeline returns an error in place with raise_on_error=False", with_error)

    def raising():
        p = r.pipeline(transaction=False)
        p.set("p:s", "v").incr("p:s")
        raises(redis.ResponseError, None, p.execute)
    check("pipeline raises ResponseError by default", raising)

    def many():
        p = r.pipeline(transaction=False)
        for i in range(5000):
            p.incr("p:many")
        res = p.execute()
        eq(res[-1], 5000)
        eq(len(res), 5000)
    check("pipeline of 5000 INCRs returns 5000 ints", many)


def server_checks(r):
    def info():
        i = r.info()
        assert isinstance(i, dict)
        for field in ("redis_version", "redis_mode", "os", "tcp_port", "process_id", "uptime_in_seconds",
                      "connected_clients", "used_memory", "used_memory_peak", "maxmemory",
                      "total_connections_received", "total_commands_processed", "keyspace_hits",
                      "keyspace_misses", "expired_keys", "evicted_keys", "role", "connected_slaves"):
            assert field in i, f"INFO lacks {field}"
        for field in ("tcp_port", "process_id", "uptime_in_seconds", "connected_clients", "used_memory",
                      "used_memory_peak", "maxmemory", "total_connections_received",
                      "total_commands_processed", "keyspace_hits", "keyspace_misses", "expired_keys",
                      "evicted_keys", "connected_slaves"):
            assert type(i[field]) is int, f"INFO {field} = {i[field]!r} is not an int"
        eq(i["tcp_port"], PORT)
        eq(i["role"], "master")
        eq(i["redis_mode"], "standalone")
        assert str(i["redis_version"]).startswith("7."), i["redis_version"]
        assert i["connected_clients"] >= 1
        assert i["total_commands_processed"] > 1000
    check("INFO parses into a dict with ints where Redis has ints", info)

    def info_keyspace():
        r.set("i:k", "v", ex=1000)
        ks = r.info("keyspace")
        db0 = ks["db0"]
        eq(set(db0), {"keys", "expires", "avg_ttl"})
        eq(db0["keys"], r.dbsize())
        eq(db0["expires"], 1)
        assert type(db0["avg_ttl"]) is int
    check("INFO keyspace parses db0 into {keys, expires, avg_ttl} ints", info_keyspace)

    def info_memory():
        m = r.info("memory")
        assert type(m["used_memory"]) is int and m["used_memory"] > 0
        assert "redis_version" not in m, "INFO memory returned other sections"
        assert isinstance(m["mem_fragmentation_ratio"], (int, float))
    check("INFO memory returns only the memory section", info_memory)
    check("INFO of an unknown section returns an empty dict", lambda: eq(r.info("nosuchsection"), {}))

    check("CONFIG GET maxmemory returns {'maxmemory': '0'}",
          lambda: eq(r.config_get("maxmemory"), {"maxmemory": "0"}))
    check("CONFIG GET of an unknown parameter returns {}", lambda: eq(r.config_get("nosuchparam"), {}))
    check("CONFIG SET maxmemory 100mb then GET returns bytes",
          lambda: (eq(r.config_set("maxmemory", "100mb"), True),
                   eq(r.config_get("maxmemory"), {"maxmemory": "104857600"}),
                   eq(r.config_set("maxmemory", 0), True)))
    check("CONFIG GET maxmemory-policy", lambda: eq(r.config_get("maxmemory-policy"),
                                                    {"maxmemory-policy": "noeviction"}))
    check("CONFIG GET port returns the port", lambda: eq(r.config_get("port"), {"port": str(PORT)}))

    def command_count():
        n = r.command_count()
        assert type(n) is int and n > 50, n
    check("COMMAND COUNT returns an int > 50", command_count)

    def command():
        cmds = r.command()
        assert len(cmds) == r.command_count(), (len(cmds), r.command_count())
        get = cmds["get"]
        eq((get["arity"], get["first_key_pos"], get["last_key_pos"], get["step_count"]), (2, 1, 1, 1))
        assert "readonly" in get["flags"], get["flags"]
        s = cmds["set"]
        eq((s["arity"], s["first_key_pos"]), (-3, 1))
        assert "write" in s["flags"], s["flags"]
        m = cmds["mset"]
        eq((m["arity"], m["first_key_pos"], m["last_key_pos"], m["step_count"]), (-3, 1, -1, 2))
        p = cmds["ping"]
        eq((p["arity"], p["first_key_pos"]), (-1, 0))
        for name in ("get", "set", "mset", "mget", "del", "expire", "ttl", "incr", "scan", "info"):
            assert name in cmds, f"COMMAND lacks {name}"
    check("COMMAND parses; get has first_key_pos 1", command)

    def client_cmds():
        eq(r.client_setname("interop-py"), True)
        eq(r.client_getname(), "interop-py")  # redis-py decodes this reply itself
        cid = r.client_id()
        assert type(cid) is int and cid > 0
        lst = r.client_list()
        mine = [c for c in lst if c["name"] == "interop-py"]
        eq(len(mine), 1)
        eq(mine[0]["id"], str(cid))
        eq(mine[0]["cmd"], "client|list")
        eq(mine[0]["db"], "0")
        assert mine[0]["addr"].startswith("127.0.0.1:"), mine[0]["addr"]
        for field in ("fd", "age", "idle", "flags", "qbuf", "omem", "tot-mem", "resp"):
            assert field in mine[0], f"CLIENT LIST lacks {field}"
    check("CLIENT SETNAME/GETNAME/ID/LIST agree", client_cmds)
    check("CLIENT SETNAME with a space raises ResponseError",
          lambda: raises(redis.ResponseError, "Client names cannot contain spaces, newlines or special characters.",
                         r.client_setname, "a b"))

    def time_cmd():
        sec, usec = r.time()
        assert type(sec) is int and type(usec) is int and 0 <= usec < 1000000
        assert abs(sec - time.time()) < 5, sec
    check("TIME returns (int seconds, int microseconds) near now", time_cmd)

    def slowlog():
        eq(r.slowlog_reset(), True)
        eq(r.config_set("slowlog-log-slower-than", 0), True)
        r.set("slow:k", "v")
        entries = r.slowlog_get(10)
        r.config_set("slowlog-log-slower-than", 10000)
        assert isinstance(entries, list) and entries, entries
        cmds = [e["command"] for e in entries]
        assert b"set slow:k v" in [c.lower() for c in cmds] or b"SET slow:k v" in cmds, cmds
        for e in entries:
            assert type(e["id"]) is int and type(e["start_time"]) is int and type(e["duration"]) is int, e
        assert type(r.slowlog_len()) is int
    check("SLOWLOG GET parses entries with int id/start_time/duration", slowlog)

    def flush_async():
        r.set("f:k", "v")
        eq(r.flushdb(asynchronous=True), True)
        eq(r.dbsize(), 0)
    check("FLUSHDB ASYNC returns True and empties the db", flush_async)
    check("FLUSHALL returns True", lambda: eq(r.flushall(), True))


def error_checks(r):
    r.set("x:s", "abc")
    check("INCR of a non-integer raises ResponseError with Redis' message",
          lambda: raises(redis.ResponseError, "value is not an integer or out of range", r.incr, "x:s"))
    check("INCRBYFLOAT of a non-float raises ResponseError",
          lambda: raises(redis.ResponseError, "value is not a valid float", r.incrbyfloat, "x:s", 1))
    check("wrong arity raises ResponseError",
          lambda: raises(redis.ResponseError, "wrong number of arguments for 'get' command",
                         r.execute_command, "GET"))
    check("unknown command raises ResponseError",
          lambda: raises(redis.ResponseError, "unknown command 'NOSUCHCMD', with args beginning with: 'a' ",
                         r.execute_command, "NOSUCHCMD", "a"))
    check("EXPIRE with a non-integer raises ResponseError",
          lambda: raises(redis.ResponseError, "value is not an integer or out of range",
                         r.execute_command, "EXPIRE", "x:s", "abc"))
    check("a dict value raises DataError",
          lambda: raises(redis.DataError, None, r.set, "x:k", {"a": 1}))
    check("a None value raises DataError",
          lambda: raises(redis.DataError, None, r.set, "x:k", None))
    check("the connection is usable after errors", lambda: eq(r.get("x:s"), b"abc"))


def decode_checks():
    rd = client(decode_responses=True)
    check("decode_responses=True returns str", lambda: (rd.set("d:k", "é"), eq(rd.get("d:k"), "é")))
    check("decode_responses=True INFO still has ints", lambda: eq(type(rd.info()["used_memory"]), int))
    check("decode_responses=True client_getname returns str",
          lambda: (rd.client_setname("dec"), eq(rd.client_getname(), "dec")))
    rd.close()


def concurrency_checks():
    r = client()
    r.delete("c:n")
    errors = []

    def worker():
        c = client()
        try:
            for _ in range(300):
                c.incr("c:n")
        except Exception as e:  # reported below
            errors.append(e)
        finally:
            c.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    check("4 concurrent connections x 300 INCR sum to 1200",
          lambda: (eq(errors, []), eq(r.get("c:n"), b"1200")))
    r.close()


def unix_socket_checks():
    def via_socket():
        u = redis.Redis(unix_socket_path=SOCKET, socket_timeout=10)
        eq(u.ping(), True)
        eq(u.set("u:k", "over-unix"), True)
        eq(client().get("u:k"), b"over-unix")
        eq(u.info()["tcp_port"], PORT)
        u.close()
    check("unix socket connection runs commands and shares the data", via_socket)


def auth_checks():
    if not start_server(AUTH_PORT, "--requirepass", PASSWORD):
        check("server with requirepass starts", lambda: (_ for _ in ()).throw(AssertionError("see log")))
        return
    good = redis.Redis(host="127.0.0.1", port=AUTH_PORT, password=PASSWORD, socket_timeout=10)
    check("the right password authenticates", lambda: eq(good.ping(), True))
    check("no password raises AuthenticationError",
          lambda: raises(redis.AuthenticationError, "Authentication required.",
                         redis.Redis(host="127.0.0.1", port=AUTH_PORT, socket_timeout=10).get, "k"))
    # redis-py 4.3 has no class for WRONGPASS: it arrives as a ResponseError with the full text.
    check("a wrong password raises ResponseError WRONGPASS",
          lambda: raises(redis.ResponseError,
                         "WRONGPASS invalid username-password pair or user is disabled.",
                         redis.Redis(host="127.0.0.1", port=AUTH_PORT, password="bad",
                                     socket_timeout=10).ping))
    good.close()


def main():
    if not start_server(PORT, "--unixsocket", SOCKET, "--unixsocketperm", "700"):
        check("server starts", lambda: (_ for _ in ()).throw(AssertionError("see log above")))
        finish()
    print(f"ok - server starts on port {PORT} and socket {SOCKET}")
    COUNTS["passed"] += 1
    r = client()
    r.flushall()
    strings_checks(r)
    set_option_checks(r)
    getex_checks(r)
    key_checks(r)
    object_checks(r)
    scan_checks(r)
    pipeline_checks(r)
    error_checks(r)
    server_checks(r)
    decode_checks()
    concurrency_checks()
    unix_socket_checks()
    r.close()
    auth_checks()
    finish()


if __name__ == "__main__":
    main()
