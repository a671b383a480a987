#!/usr/bin/python3
"""Interop suite: redis-py 4.3.4's RedisCluster (Debian's python3-redis) against a cluster of the
server under test.

What: three cluster-enabled nodes formed with plain redis-py commands (CLUSTER MEET,
CLUSTER ADDSLOTSRANGE); then `redis.cluster.RedisCluster(host, port)` discovers the topology from
CLUSTER SLOTS, writes and reads 10,000 keys routed by its own slot table, mget_nonatomic /
mset_nonatomic, a cluster pipeline, DBSIZE summed over primaries, multi-key DEL/EXISTS split by
slot, cluster_info / cluster_nodes / cluster_slots / keyslot; a plain redis.Redis sees MOVED and
CROSSSLOT with Redis' texts.
Approach: servers started as `$SLOTCACHE_SERVER --port P --cluster-enabled yes ...`, every wait
polled with a deadline; one "ok - " / "not ok - " line per check and "N passed, N failed" last.
Processes and checks: interop_lib.py. Rejected: pytest (not installed for /usr/bin/python3);
replicas and failover (cluster_failover_py.py covers them); redis-cli --cluster create here (cluster_redis_cli.sh covers it, and forming the
cluster by hand keeps this suite independent of it).
Must run with /usr/bin/python3: the python3 on PATH lacks the redis module.
Ports: 16820-16822 (cluster bus 26820-26822).
"""

import time

import redis
import redis.cluster

from interop_lib import COUNTS, check, eq, finish, plain, tmpdir
from interop_lib import start_node as start_server

PORTS = [16820, 16821, 16822]
NKEYS = 10000

TMP = tmpdir("slotcache-interop-cluster-py.")


def start_node(port):
    """Starts one cluster node; True once it answers PING (10 s deadline)."""
    return start_server(TMP, port, ["--cluster-enabled", "yes", "--cluster-config-file",
                                    "nodes.conf", "--cluster-node-timeout", "2000"])


def raises(exc_class, message, fn, *args):
    try:
        fn(*args)
    except exc_class as e:
        eq(str(e), message)
        return
    raise AssertionError(f"{exc_class.__name__} not raised")


def crc16_slot(key):
    """CRC16-XMODEM of the key or of its first non-empty {tag}, modulo 16384."""
    s = key.find(b"{")
    if s >= 0:
        e = key.find(b"}", s + 1)
        if e > s + 1:
            key = key[s + 1:e]
    crc = 0
    for byte in key:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc & 16383


def owner_port(slot):
    """The port of the master of `slot` after form()'s even split."""
    n = len(PORTS)
    return next(p for i, p in enumerate(PORTS) if slot <= (i + 1) * 16384 // n - 1)


def wait_state_ok(timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if all(plain(p).cluster("INFO")["cluster_state"] == "ok" for p in PORTS):
                return True
        except redis.RedisError:
            pass
        time.sleep(0.1)
    return False


def form():
    """MEET from the first node, an even split of the slots, cluster_state:ok everywhere."""
    first = plain(PORTS[0])
    for p in PORTS[1:]:
        eq(first.execute_command("CLUSTER", "MEET", "127.0.0.1", p), b"OK")
    n = len(PORTS)
    for i, p in enumerate(PORTS):
        lo, hi = i * 16384 // n, (i + 1) * 16384 // n - 1
        eq(plain(p).execute_command("CLUSTER", "ADDSLOTSRANGE", lo, hi), b"OK")
    assert wait_state_ok(30), "cluster_state did not become ok on every node within 30 s"


def main():
    for p in PORTS:
        if not start_node(p):
            check(f"cluster node starts on port {p}",
                  lambda: (_ for _ in ()).throw(AssertionError("see log above")))
            finish()
    print(f"ok - 3 cluster nodes start on ports {PORTS}")
    COUNTS["passed"] += 1
    check("MEET + ADDSLOTSRANGE form a cluster with cluster_state:ok on every node", form)
    if COUNTS["failed"]:
        finish()

    rc = redis.cluster.RedisCluster(host="127.0.0.1", port=PORTS[0], socket_timeout=10)

    def topology():
        nodes = rc.get_nodes()
        eq(sorted(n.port for n in nodes), PORTS)
        eq(sorted(n.server_type for n in nodes), ["primary"] * 3)
        eq(rc.get_node(host="127.0.0.1", port=PORTS[2]).server_type, "primary")
    check("RedisCluster discovers 3 primaries from CLUSTER SLOTS", topology)

    def owners():
        n = len(PORTS)
        for i, p in enumerate(PORTS):
            for slot in (i * 16384 // n, (i + 1) * 16384 // n - 1):
                eq(rc.nodes_manager.get_node_from_slot(slot).port, p)
    check("RedisCluster's slot table maps each range's ends to its master", owners)

    def info():
        ci = rc.cluster_info()
        eq(ci["cluster_state"], "ok")
        eq(ci["cluster_slots_assigned"], "16384")
        eq(ci["cluster_known_nodes"], "3")
        eq(ci["cluster_size"], "3")
        assert int(ci["cluster_stats_messages_sent"]) > 0, ci
    check("cluster_info parses into a dict with cluster_state ok and 3 nodes", info)

    def keyslot():
        eq(rc.keyslot("foo"), 12182)
        eq(rc.keyslot("{user1000}.following"), rc.keyslot("{user1000}.followers"))
        for k in ("a", "key:1", "foo{}{bar}", "foo{{bar}}zap", "{x}y"):
            eq(rc.cluster_keyslot(k), crc16_slot(k.encode()))
    check("keyslot and CLUSTER KEYSLOT agree with CRC16 of the key or its {tag}", keyslot)

    keys = [f"key:{i}" for i in range(NKEYS)]
    values = {k: f"value:{k}:{i}".encode() for i, k in enumerate(keys)}

    def writes():
        for k in keys:
            assert rc.set(k, values[k]) is True
    check(f"SET of {NKEYS} keys through RedisCluster", writes)

    def reads():
        bad = [k for k in keys if rc.get(k) != values[k]]
        eq(bad[:5], [])
    check(f"GET of the {NKEYS} keys returns every value", reads)

    def placement():
        total = 0
        for p in PORTS:
            node_keys = plain(p).keys("key:*")
            total += len(node_keys)
            wrong = [k for k in node_keys if owner_port(crc16_slot(k)) != p]
            eq(wrong[:5], [])
        eq(total, NKEYS)
    check("every key lives on the master of its slot, and only there", placement)

    check("DBSIZE on all primaries sums to 10000",
          lambda: eq(rc.dbsize(target_nodes=redis.cluster.RedisCluster.PRIMARIES), NKEYS))

    def mget():
        eq(rc.mget_nonatomic(keys), [values[k] for k in keys])
        eq(rc.mget_nonatomic(["key:1", "missing:1", "key:2"]),
           [values["key:1"], None, values["key:2"]])
    check("mget_nonatomic of all the keys (split by slot) returns them in order", mget)

    def mset():
        pairs = {f"m:{i}": f"mv:{i}" for i in range(500)}
        eq(rc.mset_nonatomic(pairs), [True] * len(set(crc16_slot(k.encode()) for k in pairs)))
        eq(rc.mget_nonatomic(list(pairs)), [v.encode() for v in pairs.values()])
    check("mset_nonatomic of 500 keys sets every one", mset)

    def pipeline():
        pipe = rc.pipeline()
        for i in range(1000):
            pipe.set(f"p:{i}", i)
            pipe.incr(f"p:{i}")
            pipe.get(f"p:{i}")
        out = pipe.execute()
        eq(len(out), 3000)
        eq(out[0:3], [True, 1, b"1"])
        eq(out[-3:], [True, 1000, b"1000"])
        eq([out[i] for i in range(2, 3000, 3)], [str(i + 1).encode() for i in range(1000)])
    check("a cluster pipeline of 3000 commands over all masters returns replies in order", pipeline)

    def multi_key():
        eq(rc.exists("key:1", "key:2", "key:3", "nope"), 3)
        eq(rc.delete("key:1", "key:2", "nope"), 2)
        eq(rc.get("key:1"), None)
    check("EXISTS and DEL across slots are split by slot and summed", multi_key)

    def tags():
        eq(rc.mset({"{t}a": 1, "{t}b": 2}), True)
        eq(rc.mget("{t}a", "{t}b"), [b"1", b"2"])
        eq(rc.execute_command("MGET", "{t}a", "{t}b"), [b"1", b"2"])
    check("MSET/MGET with one {tag} run as single commands", tags)

    def nodes_and_slots():
        nodes = rc.cluster_nodes()
        eq(sorted(int(addr.split(":")[1].split("@")[0]) for addr in nodes), PORTS)
        assert all(n["connected"] for n in nodes.values()), nodes
        slots = rc.cluster_slots()
        eq(sorted(slots), [(0, 5460), (5461, 10921), (10922, 16383)])
        eq(sorted(v["primary"][1] for v in slots.values()), PORTS)
    check("cluster_nodes and cluster_slots parse the topology", nodes_and_slots)

    def moved():
        slot = crc16_slot(b"key:5")
        owner = owner_port(slot)
        other = next(p for p in PORTS if p != owner)
        raises(redis.ResponseError, f"MOVED {slot} 127.0.0.1:{owner}", plain(other).get, "key:5")
    check("a plain client gets MOVED <slot> 127.0.0.1:<port> for a key owned elsewhere", moved)

    def crossslot():
        raises(redis.ResponseError, "CROSSSLOT Keys in request don't hash to the same slot",
               plain(PORTS[0]).mget, "key:10", "key:11", "key:12", "key:13")
    check("a plain client gets CROSSSLOT for keys of different slots", crossslot)

    def select():
        raises(redis.ResponseError, "SELECT is not allowed in cluster mode",
               plain(PORTS[0]).execute_command, "SELECT", "1")
    check("SELECT 1 is refused with Redis' text", select)

    def flush():
        rc.flushall(target_nodes=redis.cluster.RedisCluster.PRIMARIES)
        eq(rc.dbsize(target_nodes=redis.cluster.RedisCluster.PRIMARIES), 0)
    check("FLUSHALL on all primaries empties every master", flush)
    rc.close()
    finish()


if __name__ == "__main__":
    main()
