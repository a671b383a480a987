#!/usr/bin/python3
"""Interop suite: redis-py 4.3.4's hash, list, set and sorted-set APIs, its pipelines and
transactions, against a 3-master cluster of the server under test.

What: through `RedisCluster` (keys spread over the three masters): hset/hget/hmget/hgetall/
hincrby/hincrbyfloat/hkeys/hvals/hlen/hdel/hexists/hstrlen/hsetnx/hrandfield/hscan_iter;
lpush/rpush/lrange/lpop/rpop with count/lindex/lset/linsert/lrem/ltrim/lpos/lmove/llen and a
BLPOP served by a push from another client; sadd/srem/smembers/sismember/smismember/scard/
srandmember/spop/smove and the multi-key set algebra on `{tag}` keys (sinter/sunion/sdiff and
their STORE forms, sintercard); zadd with nx/xx/gt/lt/ch/incr, zrange by rank/score/lex with
rev/limit/withscores, zrangestore, zrank/zrevrank/zscore/zmscore/zcount/zlexcount/zincrby/
zpopmin/zpopmax/zrandmember, zunionstore/zinterstore/zdiffstore with weights; type() of each;
a cluster pipeline of 2,000 mixed-type commands; MULTI/EXEC through a plain client on a key's
master (`pipeline(transaction=True)`), WATCH aborting a transaction when another client writes
the key (WatchError), and redis-py's `transaction()` helper retrying until it succeeds.
Approach: the expected values are computed in Python; ports 16850-16852 (bus 26850-26852).
Must run with /usr/bin/python3.
"""

import threading
import time

import redis
import redis.cluster

from interop_lib import COUNTS, check, eq, finish, plain, tmpdir
from interop_lib import start_node as start_server

PORTS = [16850, 16851, 16852]
TMP = tmpdir("slotcache-interop-cluster-types.")


def start_node(port):
    return start_server(TMP, port, ["--cluster-enabled", "yes", "--cluster-config-file",
                                    "nodes.conf", "--cluster-node-timeout", "2000"])


def form():
    first = plain(PORTS[0])
    for p in PORTS[1:]:
        eq(first.execute_command("CLUSTER", "MEET", "127.0.0.1", p), b"OK")
    n = len(PORTS)
    for i, p in enumerate(PORTS):
        lo, hi = i * 16384 // n, (i + 1) * 16384 // n - 1
        eq(plain(p).execute_command("CLUSTER", "ADDSLOTSRANGE", lo, hi), b"OK")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if all(plain(p).cluster("INFO")["cluster_state"] == "ok" for p in PORTS):
                return
        except redis.RedisError:
            pass
        time.sleep(0.1)
    raise AssertionError("cluster_state did not become ok within 30 s")


def master_of(rc, key):
    node = rc.get_node_from_key(key)
    return redis.Redis(host=node.host, port=node.port, socket_timeout=10)


def main():
    for p in PORTS:
        if not start_node(p):
            COUNTS["failed"] += 1
            print(f"not ok - cluster node starts on port {p} (see log above)")
            finish()
    if not check("a 3-master cluster forms", form):
        finish()
    rc = redis.cluster.RedisCluster(host="127.0.0.1", port=PORTS[0], socket_timeout=10,
                                    decode_responses=True)

    def hashes():
        for i in range(30):  # keys on every master
            k = f"user:{i}"
            eq(rc.hset(k, mapping={"name": f"n{i}", "visits": 1, "score": "1.5"}), 3)
            eq(rc.hincrby(k, "visits", 41), 42)
            eq(rc.hincrbyfloat(k, "score", 1), 2.5)
            eq(rc.hgetall(k), {"name": f"n{i}", "visits": "42", "score": "2.5"})
        k = "user:0"
        eq(rc.hget(k, "name"), "n0")
        eq(rc.hmget(k, ["name", "nope", "visits"]), ["n0", None, "42"])
        eq(sorted(rc.hkeys(k)), ["name", "score", "visits"])
        eq(sorted(rc.hvals(k)), ["2.5", "42", "n0"])
        eq(rc.hlen(k), 3)
        eq(rc.hexists(k, "name"), True)
        eq(rc.hstrlen(k, "name"), 2)
        eq(rc.hsetnx(k, "name", "x"), 0)
        assert rc.hrandfield(k) in ("name", "visits", "score")
        eq(len(rc.hrandfield(k, -5)), 5)
        eq(rc.hdel(k, "name", "nope"), 1)
        big = {f"f{i}": str(i) for i in range(1000)}
        rc.hset("bighash", mapping=big)
        eq(dict(rc.hscan_iter("bighash", count=50)), big)
        eq(rc.type("bighash"), "hash")
        eq(rc.object("encoding", "bighash"), "hashtable")
        eq(rc.object("encoding", k), "listpack")
    check("hashes through RedisCluster (hset mapping ... hscan_iter)", hashes)

    def lists():
        k = "queue"
        eq(rc.rpush(k, *range(10)), 10)
        eq(rc.lpush(k, "a", "b"), 12)
        eq(rc.lrange(k, 0, 3), ["b", "a", "0", "1"])
        eq(rc.lpop(k), "b")
        eq(rc.rpop(k, 2), ["9", "8"])
        eq(rc.lindex(k, 1), "0")
        eq(rc.lset(k, 1, "zero"), True)
        eq(rc.linsert(k, "AFTER", "zero", "half"), 10)
        eq(rc.lrem(k, 0, "half"), 1)
        eq(rc.lpos(k, "zero"), 1)
        eq(rc.ltrim(k, 0, 4), True)
        eq(rc.lrange(k, 0, -1), ["a", "zero", "1", "2", "3"])
        eq(rc.lmove(k, "{queue}done", "LEFT", "RIGHT"), "a")
        eq(rc.llen("{queue}done"), 1)
        eq(rc.type(k), "list")
        # BLPOP on a key's master, served by a push from another client.
        got = []
        blocker = master_of(rc, "jobs")
        t = threading.Thread(target=lambda: got.append(blocker.blpop("jobs", timeout=10)))
        t.start()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and \
                int(blocker.info("clients")["blocked_clients"]) == 0:
            time.sleep(0.02)
        rc.rpush("jobs", "job-1")
        t.join(15)
        eq(got, [(b"jobs", b"job-1")])
        eq(rc.exists("jobs"), 0)
        eq(rc.blpop("jobs", timeout=0.1), None)
    check("lists through RedisCluster, and a BLPOP served by another client's RPUSH", lists)

    def sets():
        a, b = "{s}a", "{s}b"
        eq(rc.sadd(a, *range(10)), 10)
        eq(rc.sadd(b, *range(5, 15)), 10)
        eq(rc.object("encoding", a), "intset")
        eq(sorted(map(int, rc.sinter(a, b))), list(range(5, 10)))
        eq(sorted(map(int, rc.sunion(a, b))), list(range(15)))
        eq(sorted(map(int, rc.sdiff(a, b))), list(range(5)))
        eq(rc.sinterstore("{s}i", [a, b]), 5)
        eq(rc.sunionstore("{s}u", [a, b]), 15)
        eq(rc.sdiffstore("{s}d", [a, b]), 5)
        eq(rc.sintercard(2, [a, b]), 5)
        eq(rc.sismember(a, 3), True)
        eq(rc.smismember(a, [3, 30]), [1, 0])
        eq(rc.scard(a), 10)
        assert int(rc.srandmember(a)) in range(10)
        eq(len(rc.srandmember(a, -20)), 20)
        popped = rc.spop(a, 3)
        eq(len(popped), 3)
        eq(rc.scard(a), 7)
        eq(rc.smove(b, "{s}c", "14"), True)
        eq(rc.smembers("{s}c"), {"14"})
        eq(rc.srem(b, "5", "nope"), 1)
        eq(rc.type(a), "set")
        rc.sadd("tags", "red", "green")
        eq(rc.smembers("tags"), {"red", "green"})
    check("sets through RedisCluster, set algebra on {tag} keys", sets)

    def zsets():
        k = "{z}board"
        eq(rc.zadd(k, {"alice": 10, "bob": 20, "carol": 15}), 3)
        eq(rc.zadd(k, {"alice": 5}, gt=True, ch=True), 0)
        eq(rc.zadd(k, {"alice": 30}, gt=True, ch=True), 1)
        eq(rc.zadd(k, {"dave": 1}, xx=True), 0)
        eq(rc.zadd(k, {"bob": 2}, incr=True), 22.0)
        eq(rc.zrange(k, 0, -1, withscores=True), [("carol", 15.0), ("bob", 22.0),
                                                  ("alice", 30.0)])
        eq(rc.zrange(k, 0, 0, desc=True), ["alice"])
        eq(rc.zrangebyscore(k, "(15", "+inf"), ["bob", "alice"])
        eq(rc.zrange(k, "(15", "+inf", byscore=True, offset=1, num=1), ["alice"])
        eq(rc.zrank(k, "bob"), 1)
        eq(rc.zrevrank(k, "bob"), 1)
        eq(rc.zscore(k, "carol"), 15.0)
        eq(rc.zmscore(k, ["carol", "nope"]), [15.0, None])
        eq(rc.zcount(k, 16, 30), 2)
        eq(rc.zincrby(k, 0.5, "carol"), 15.5)
        eq(rc.zrangestore("{z}top", k, 0, 1), 2)
        rc.zadd("{z}lex", {c: 0 for c in "abcde"})
        eq(rc.zrangebylex("{z}lex", "[b", "(d"), ["b", "c"])
        eq(rc.zlexcount("{z}lex", "-", "+"), 5)
        eq(rc.zunionstore("{z}u", {k: 1, "{z}top": 2}), 3)
        eq(rc.zscore("{z}u", "carol"), 15.5 * 3)
        eq(rc.zinterstore("{z}i", [k, "{z}top"], aggregate="MIN"), 2)
        eq(rc.zdiffstore("{z}d", [k, "{z}top"]), 1)
        eq(rc.zpopmin(k), [("carol", 15.5)])
        eq(rc.zpopmax(k), [("alice", 30.0)])
        assert rc.zrandmember("{z}lex") in "abcde"
        eq(rc.type(k), "zset")
        many = {f"p{i}": i for i in range(1000)}
        rc.zadd("{z}many", many)
        eq(rc.object("encoding", "{z}many"), "skiplist")
        eq(dict(rc.zscan_iter("{z}many", count=100)), {m: float(s) for m, s in many.items()})
    check("sorted sets through RedisCluster (zadd flags, ranges, store forms)", zsets)

    def pipeline():
        p = rc.pipeline()
        for i in range(500):
            p.hset(f"ph:{i}", "f", i)
            p.rpush(f"pl:{i}", i, i + 1)
            p.sadd(f"ps:{i}", i)
            p.zadd(f"pz:{i}", {"m": i})
        res = p.execute()
        eq(len(res), 2000)
        assert all(r in (1, 2) for r in res), res[:10]
        p = rc.pipeline()
        for i in range(500):
            p.hget(f"ph:{i}", "f")
            p.lrange(f"pl:{i}", 0, -1)
            p.smembers(f"ps:{i}")
            p.zscore(f"pz:{i}", "m")
        res = p.execute()
        for i in range(500):
            eq(res[4 * i:4 * i + 4], [str(i), [str(i), str(i + 1)], {str(i)}, float(i)])
    check("a cluster pipeline of 2,000 mixed-type commands, then 2,000 reads", pipeline)

    def transactions():
        key = "{acct}balance"
        m = master_of(rc, key)
        p = m.pipeline(transaction=True)
        p.hset(key, "eur", 100)
        p.hincrby(key, "eur", -30)
        p.rpush("{acct}log", "debit 30")
        p.zadd("{acct}rank", {"me": 70})
        eq(p.execute(), [1, 70, 1, 1])
        # WATCH: another client's write aborts the transaction.
        with m.pipeline(transaction=True) as p:
            p.watch(key)
            rc.hset(key, "eur", 1)
            p.multi()
            p.hset(key, "eur", 999)
            try:
                p.execute()
                raise AssertionError("EXEC succeeded after a watched key changed")
            except redis.WatchError:
                pass
        eq(rc.hget(key, "eur"), "1")
        # redis-py's optimistic-locking helper: retried until it commits.
        attempts = []

        def incr_balance(pipe):
            attempts.append(1)
            cur = int(pipe.hget(key, "eur"))
            if len(attempts) == 1:
                rc.hset(key, "eur", 5)  # a concurrent write: the first try must fail
            pipe.multi()
            pipe.hset(key, "eur", cur + 10)
        m.transaction(incr_balance, key)
        eq(len(attempts), 2)
        eq(rc.hget(key, "eur"), "15")
    check("MULTI/EXEC on a key's master; WATCH aborts on another client's write; "
          "transaction() retries", transactions)

    finish()


if __name__ == "__main__":
    main()
