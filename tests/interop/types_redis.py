#!/usr/bin/python3
"""Interop suite: values of every type and encoding travel between Debian's redis-server 7.0 and
the server under test, both ways, through every path the cluster uses.

What: a catalogue of keys (strings; hashes small and large, with a long value, with integer
fields; lists small, long over many nodes, with a 10 kB element; sets of small and large
integers, of strings small and large; sorted sets small, large, with +inf/-inf and fractional
scores and long members; some with TTLs) is written to redis-server, then
  1. MIGRATEd into the server under test and compared,
  2. MIGRATEd back out into a fresh redis-server and compared,
  3. DUMP/RESTOREd both ways,
  4. replicated from the server under test to a redis-server replica (full sync, then a stream
     of writes of every type, WAIT), and from a redis-server master to the server under test,
  5. SAVEd by the server under test and loaded by a redis-server, SAVEd by redis-server and
     loaded at the start of the server under test.
Values are compared as canonical Python structures (hash and set contents sorted, sorted sets
with their scores, lists in order) plus TYPE and whether a TTL is set.
Approach: redis-py for everything; processes through interop_lib.py (stopped by pid on exit).
Rejected: comparing DUMP bytes (encodings may legitimately differ).
Must run with /usr/bin/python3. Ports: 18010-18016.
"""

import os
import subprocess
import time

import redis

from interop_lib import COUNTS, check, eq, finish, plain, tmpdir, wait_for
from interop_lib import start_node

REDIS = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
R, S, R2, RREP, SREP, RLOAD, SLOAD = 18010, 18011, 18012, 18013, 18014, 18015, 18016
TMP = tmpdir("slotcache-interop-types.")
_REDIS_PROCS = []


def start_redis(port, extra=()):
    directory = os.path.join(TMP, f"redis-{port}")
    os.makedirs(directory, exist_ok=True)
    args = [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
            "no", "--daemonize", "no", "--dir", directory, "--logfile",
            os.path.join(directory, "log")] + list(extra)
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    _REDIS_PROCS.append(proc)
    ok = wait_for(lambda: plain(port, 1).ping(), 10)
    assert ok, f"redis-server on {port} did not start"
    return directory


def stop_redis_all():
    for p in _REDIS_PROCS:
        if p.poll() is None:
            p.kill()
            p.wait(timeout=10)


def populate(r):
    """The catalogue; returns the key names."""
    p = r.pipeline(transaction=False)
    p.set("str", "hello")
    p.set("str:int", 12345)
    p.hset("h:small", mapping={"a": "1", "b": "two", "c": "-3"})
    p.hset("h:large", mapping={f"field:{i}": f"value:{i}" for i in range(700)})
    p.hset("h:longval", mapping={"x": "y" * 100, "n": "7"})
    p.hset("h:ints", mapping={str(i): i * 1000003 for i in range(-5, 5)})
    p.rpush("l:small", "a", "1", "-70000", "b" * 50)
    p.rpush("l:long", *[(i if i % 3 else f"item-{i}-" + "z" * (i % 40)) for i in range(10000)])
    p.rpush("l:big", "x" * 10000, "small", "y" * 9000)
    p.sadd("s:intset", 1, 2, 3, -4000000000, 70000)
    p.sadd("s:ints:large", *range(0, 3000, 3))
    p.sadd("s:small", "apple", "banana", "cherry")
    p.sadd("s:large", *[f"member:{i}" for i in range(2000)])
    p.zadd("z:small", {"a": 1, "b": 2.5, "c": -3})
    p.zadd("z:large", {f"m:{i}": i * 0.25 for i in range(500)})
    p.zadd("z:special", {"pinf": float("inf"), "ninf": float("-inf"), "tenth": 0.1,
                         "long" + "q" * 80: 1e300, "neg": -1.5e-300})
    p.zadd("z:bylex", {c: 0 for c in "abcdefg"})
    p.hset("h:ttl", "f", "v")
    p.pexpire("h:ttl", 3_600_000)
    p.rpush("l:ttl", "v")
    p.pexpire("l:ttl", 3_600_000)
    p.zadd("z:ttl", {"v": 1})
    p.pexpire("z:ttl", 3_600_000)
    p.execute()
    return sorted(k.decode() for k in r.keys("*"))


def value(r, key):
    t = r.type(key).decode()
    if t == "string":
        v = r.get(key)
    elif t == "hash":
        v = sorted(r.hgetall(key).items())
    elif t == "list":
        v = r.lrange(key, 0, -1)
    elif t == "set":
        v = sorted(r.smembers(key))
    elif t == "zset":
        v = r.zrange(key, 0, -1, withscores=True)
    else:
        v = None
    return (t, v, r.pttl(key) > 0)


def snapshot(r, keys):
    return {k: value(r, k) for k in keys}


def same(port, reference, keys):
    got = snapshot(plain(port), keys)
    bad = [k for k in keys if got[k] != reference[k]]
    assert not bad, f"differ on {port}: {bad[:5]} (e.g. {bad[0]}: {str(got[bad[0]])[:200]})" \
        if bad else ""


def migrate_all(src, dst_port, keys, copy):
    args = ["MIGRATE", "127.0.0.1", dst_port, "", 0, 10000]
    if copy:
        args.append("COPY")
    args += ["KEYS"] + keys
    return plain(src).execute_command(*args)


def writes_of_every_type(r):
    """A stream of writes of every type, for the replication checks."""
    r.hset("h:small", "d", "4")
    r.hincrby("h:small", "c", 10)
    r.hincrbyfloat("h:small", "f", 1.5)
    r.hdel("h:large", "field:1", "field:2")
    r.lpush("l:small", "front")
    r.rpop("l:long", 5)
    r.lset("l:long", 100, "changed")
    r.linsert("l:small", "BEFORE", "b" * 50, "inserted")
    r.ltrim("l:big", 0, 1)
    r.lmove("l:small", "l:moved", "LEFT", "RIGHT")
    r.sadd("s:intset", 99)
    r.srem("s:large", "member:5")
    r.spop("s:ints:large", 3)
    r.smove("s:small", "s:moved", "apple")
    r.sunionstore("s:union", "s:small", "s:intset")
    r.zadd("z:small", {"d": 4})
    r.zincrby("z:large", 1000, "m:1")
    r.zpopmin("z:bylex", 2)
    r.zremrangebyscore("z:large", 10, 20)
    r.zunionstore("z:union", ["z:small", "z:large"], aggregate="MAX")
    r.delete("h:longval")


def main():
    try:
        run()
    finally:
        stop_redis_all()
    finish()


def run():
    if not check("redis-server 7 and the server under test start",
                 lambda: (start_redis(R), start_redis(R2),
                          assert_started(start_node(TMP, S)))):
        return
    keys = populate(plain(R))
    reference = snapshot(plain(R), keys)
    check(f"the catalogue has {len(keys)} keys of every type in redis-server",
          lambda: eq(sorted({v[0] for v in reference.values()}),
                     ["hash", "list", "set", "string", "zset"]))

    check("MIGRATE ... COPY KEYS from redis-server into the server under test",
          lambda: eq(migrate_all(R, S, keys, copy=True), b"OK"))
    check("every value, type and TTL arrived equal", lambda: same(S, reference, keys))
    check("MIGRATE KEYS from the server under test into a fresh redis-server",
          lambda: eq(migrate_all(S, R2, keys, copy=True), b"OK"))
    check("every value, type and TTL arrived equal in redis-server",
          lambda: same(R2, reference, keys))

    def dump_restore(src, dst):
        a, b = plain(src), plain(dst)
        for k in keys:
            b.restore("dr:" + k, 0, a.dump(k), replace=True)
        for k in keys:
            eq(value(b, "dr:" + k)[:2], reference[k][:2])
    check("DUMP in the server under test RESTOREs in redis-server", lambda: dump_restore(S, R2))
    check("DUMP in redis-server RESTOREs in the server under test", lambda: dump_restore(R, S))

    # 4. replication, both directions.
    def sync_into_redis():
        start_redis(RREP)
        rep = plain(RREP)
        rep.replicaof("127.0.0.1", S)
        assert wait_for(lambda: rep.info("replication")["master_link_status"] == "up", 20), \
            "redis-server replica did not sync"
        same(RREP, snapshot(plain(S), keys), keys)
    check("redis-server as a replica of the server under test: full sync of every type",
          sync_into_redis)

    def stream_into_redis():
        m = plain(S)
        writes_of_every_type(m)
        eq(m.wait(1, 10000), 1)
        all_keys = sorted(k.decode() for k in m.keys("*"))
        same(RREP, snapshot(m, all_keys), all_keys)
    check("writes of every type stream to the redis-server replica (WAIT 1)", stream_into_redis)

    def sync_from_redis():
        assert_started(start_node(TMP, SREP))
        rep = plain(SREP)
        rep.replicaof("127.0.0.1", R)
        assert wait_for(lambda: rep.info("replication")["master_link_status"] == "up", 20), \
            "the server under test did not sync from redis-server"
        ref = snapshot(plain(R), keys)
        assert wait_for(lambda: snapshot(rep, keys) == ref, 10), "contents differ after sync"
        m = plain(R)
        writes_of_every_type(m)
        eq(m.wait(1, 10000), 1)  # WAIT counts this connection's writes: the same client
        all_keys = sorted(k.decode() for k in m.keys("*"))
        same(SREP, snapshot(m, all_keys), all_keys)
    check("the server under test as a replica of redis-server: full sync and stream",
          sync_from_redis)

    # 5. snapshot files both ways.
    def save_into_redis():
        m = plain(S)
        eq(m.save(), True)
        src = os.path.join(TMP, str(S), m.config_get("dbfilename")["dbfilename"])
        d = os.path.join(TMP, f"redis-{RLOAD}")
        os.makedirs(d, exist_ok=True)
        os.replace(src, os.path.join(d, "dump.rdb"))
        start_redis(RLOAD)
        all_keys = sorted(k.decode() for k in m.keys("*"))
        same(RLOAD, snapshot(m, all_keys), all_keys)
    check("SAVE of the server under test loads in redis-server", save_into_redis)

    def redis_save_loads_here():
        r = plain(R)
        eq(r.save(), True)
        d = os.path.join(TMP, str(SLOAD))
        os.makedirs(d, exist_ok=True)
        os.replace(os.path.join(TMP, f"redis-{R}", "dump.rdb"), os.path.join(d, "dump.rdb"))
        assert_started(start_node(TMP, SLOAD, ["--dbfilename", "dump.rdb"]))
        all_keys = sorted(k.decode() for k in r.keys("*"))
        same(SLOAD, snapshot(r, all_keys), all_keys)
    check("SAVE of redis-server loads at the start of the server under test",
          redis_save_loads_here)


def assert_started(ok):
    assert ok, "see log above"


if __name__ == "__main__":
    main()
