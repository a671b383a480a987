#!/usr/bin/python3
"""Interop suite: redis-py 4.3.4's pub/sub API (Debian's python3-redis) against the server under
test, standalone and in cluster mode.

What: `PubSub.subscribe / psubscribe / get_message / unsubscribe / punsubscribe`, handlers run by
`run_in_thread`, `pubsub_channels / pubsub_numsub / pubsub_numpat`, a subscribed connection's
PING, RESP2 restrictions as redis-py raises them; then a 3-master cluster: RedisCluster's
`pubsub()` (ClusterPubSub) subscribed on one node gets what `RedisCluster.publish` and plain
clients publish on every node (the bus carries PUBLISH), and sharded pub/sub driven through
`execute_command` (redis-py 4.3.4 has no `ssubscribe`): SSUBSCRIBE on the channel's master,
MOVED elsewhere, `smessage` parsed by get_message.
Approach: servers started as `$SLOTCACHE_SERVER --port P ...` (interop_lib.py), every wait a
poll with a deadline; one "ok - " / "not ok - " line per check and "N passed, N failed" last.
Must run with /usr/bin/python3: the python3 on PATH lacks the redis module.
Ports: 22320 (standalone), 22330-22332 (cluster; bus 32330-32332).
"""

import time

import redis
import redis.cluster

from interop_lib import COUNTS, check, eq, finish, plain, start_node, tmpdir, wait_for

PORT = 22320
CPORTS = [22330, 22331, 22332]
TMP = tmpdir("slotcache-interop-pubsub-py.")


def next_message(ps, timeout=5.0):
    """The next non-None get_message() within the deadline (subscribe confirmations included)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = ps.get_message(timeout=0.1)
        if m is not None:
            return m
    raise AssertionError("no message within %.1f s" % timeout)


def standalone_checks():
    r = plain(PORT)
    ps = r.pubsub()

    def subscribe():
        ps.subscribe("news", "sport")
        eq(next_message(ps), {"type": "subscribe", "pattern": None, "channel": b"news", "data": 1})
        eq(next_message(ps), {"type": "subscribe", "pattern": None, "channel": b"sport", "data": 2})
        ps.psubscribe("n*")
        eq(next_message(ps), {"type": "psubscribe", "pattern": None, "channel": b"n*", "data": 3})
    check("subscribe/psubscribe confirmations parse with counts 1, 2, 3", subscribe)

    def publish():
        eq(r.publish("news", "hello"), 2)
        eq(next_message(ps), {"type": "message", "pattern": None, "channel": b"news",
                              "data": b"hello"})
        eq(next_message(ps), {"type": "pmessage", "pattern": b"n*", "channel": b"news",
                              "data": b"hello"})
        eq(r.publish("nothing-here", "x"), 1)  # the pattern only
        eq(next_message(ps)["type"], "pmessage")
        eq(r.publish("other", "x"), 0)
    check("publish returns receivers; message and pmessage parse", publish)

    def introspection():
        eq(sorted(r.pubsub_channels()), [b"news", b"sport"])
        eq(r.pubsub_channels("s*"), [b"sport"])
        eq(r.pubsub_numsub("news", "none"), [(b"news", 1), (b"none", 0)])
        eq(r.pubsub_numpat(), 1)
        eq(r.info("stats")["pubsub_channels"], 2)
        eq(r.info("stats")["pubsub_patterns"], 1)
    check("pubsub_channels / pubsub_numsub / pubsub_numpat / INFO", introspection)

    def ping():
        ps.ping()
        # redis-py turns ['pong', ''] into this dict (channel None, data the message).
        eq(next_message(ps), {"type": "pong", "pattern": None, "channel": None, "data": b""})
    check("PING on a subscribed connection answers ['pong', '']", ping)

    def restricted():
        conn = ps.connection
        conn.send_command("GET", "k")
        try:
            conn.read_response()
        except redis.ResponseError as e:
            eq(str(e), "Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / "
                       "QUIT / RESET are allowed in this context")
            return
        raise AssertionError("GET on a subscribed RESP2 connection did not fail")
    check("a command outside pub/sub on a subscribed connection gets Redis' error", restricted)

    def unsubscribe():
        ps.punsubscribe()
        eq(next_message(ps), {"type": "punsubscribe", "pattern": None, "channel": b"n*",
                              "data": 2})
        ps.unsubscribe()
        got = sorted(next_message(ps)["channel"] for _ in range(2))
        eq(got, [b"news", b"sport"])
        eq(ps.subscribed, False)
        eq(r.pubsub_numsub("news"), [(b"news", 0)])
    check("unsubscribe/punsubscribe of everything; subscribed becomes False", unsubscribe)

    def handlers():
        got = []
        ps2 = r.pubsub()
        ps2.subscribe(**{"jobs": lambda m: got.append(m["data"])})
        worker = ps2.run_in_thread(sleep_time=0.01)
        try:
            assert wait_for(lambda: r.pubsub_numsub("jobs")[0][1] == 1, 5)
            for i in range(100):
                r.publish("jobs", str(i))
            assert wait_for(lambda: len(got) == 100, 5), len(got)
            eq(got, [str(i).encode() for i in range(100)])
        finally:
            worker.stop()  # the worker closes ps2 itself once it stops
            worker.join(5)
    check("run_in_thread handler receives 100 messages in order", handlers)

    def disconnect():
        ps.subscribe("bye")
        next_message(ps)
        ps.close()
        assert wait_for(lambda: r.pubsub_numsub("bye") == [(b"bye", 0)], 5)
    check("closing the PubSub drops its subscriptions on the server", disconnect)


def crc16_slot(key):
    crc = 0
    for byte in key:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc & 16383


def owner_index(slot):
    n = len(CPORTS)
    return next(i for i in range(n) if slot <= (i + 1) * 16384 // n - 1)


def form_cluster():
    first = plain(CPORTS[0])
    for p in CPORTS[1:]:
        eq(first.execute_command("CLUSTER", "MEET", "127.0.0.1", p), b"OK")
    n = len(CPORTS)
    for i, p in enumerate(CPORTS):
        lo, hi = i * 16384 // n, (i + 1) * 16384 // n - 1
        eq(plain(p).execute_command("CLUSTER", "ADDSLOTSRANGE", lo, hi), b"OK")

    def ok_everywhere():
        return all(plain(p).cluster("INFO")["cluster_state"] == "ok" and
                   int(plain(p).cluster("INFO")["cluster_known_nodes"]) == 3 for p in CPORTS)
    assert wait_for(ok_everywhere, 30), "cluster_state did not become ok on every node"

    # A PUBLISH crosses the bus at most once, over links that are up (as in Redis): every
    # node must see every other node's link connected before the fan-out checks.
    def links_up():
        for p in CPORTS:
            lines = plain(p).execute_command("CLUSTER", "NODES").decode().splitlines()
            if len(lines) != 3 or any(" connected" not in l for l in lines):
                return False
        return True
    assert wait_for(links_up, 30), "bus links did not all come up"


def cluster_checks():
    rc = redis.cluster.RedisCluster(host="127.0.0.1", port=CPORTS[0], socket_timeout=10)

    def broadcast():
        ps = rc.pubsub()
        ps.subscribe("events")
        eq(next_message(ps)["type"], "subscribe")
        node = ps.get_pubsub_node()
        # Publish on every node, including those the subscriber is not connected to.
        for i, p in enumerate(CPORTS):
            plain(p).publish("events", "from-%d" % i)
            m = next_message(ps)
            eq((m["type"], m["channel"], m["data"]), ("message", b"events", b"from-%d" % i))
        rc.publish("events", "via-cluster-client")
        eq(next_message(ps)["data"], b"via-cluster-client")
        ps.close()
        assert node is not None
    check("ClusterPubSub gets PUBLISHes made on every node (the bus fans them out)", broadcast)

    def patterns():
        ps = rc.pubsub()
        ps.psubscribe("ev*")
        eq(next_message(ps)["type"], "psubscribe")
        plain(CPORTS[2]).publish("evX", "p")
        m = next_message(ps)
        eq((m["type"], m["pattern"], m["channel"], m["data"]), ("pmessage", b"ev*", b"evX", b"p"))
        ps.close()
    check("ClusterPubSub psubscribe gets pmessages from another node", patterns)

    def sharded():
        ch = b"orders"
        owner = CPORTS[owner_index(crc16_slot(ch))]
        other = next(p for p in CPORTS if p != owner)
        try:
            plain(other).execute_command("SSUBSCRIBE", ch)
            raise AssertionError("SSUBSCRIBE on a node not serving the slot succeeded")
        except redis.ResponseError as e:
            eq(str(e), "MOVED %d 127.0.0.1:%d" % (crc16_slot(ch), owner))
        # A connection of redis-py's own, read with its RESP2 parser.
        pool = redis.ConnectionPool(host="127.0.0.1", port=owner, socket_timeout=5)
        conn = pool.get_connection("SSUBSCRIBE")
        conn.send_command("SSUBSCRIBE", ch)
        eq(conn.read_response(), [b"ssubscribe", ch, 1])
        eq(plain(owner).execute_command("SPUBLISH", ch, "o1"), 1)
        eq(conn.read_response(), [b"smessage", ch, b"o1"])
        eq(plain(owner).execute_command("PUBSUB", "SHARDNUMSUB", ch), [ch, 1])
        conn.disconnect()
    check("SSUBSCRIBE/SPUBLISH on the channel's master, MOVED elsewhere, smessage parsed",
          sharded)


def main():
    if not start_node(TMP, PORT):
        check("server starts on port %d" % PORT, lambda: (_ for _ in ()).throw(
            AssertionError("not ready")))
        finish()
    standalone_checks()
    started = all(start_node(TMP, p, ["--cluster-enabled", "yes", "--cluster-config-file",
                                      "nodes.conf", "--cluster-node-timeout", "2000"])
                  for p in CPORTS)
    if not check("3 cluster nodes start", lambda: eq(started, True)):
        finish()
    if check("MEET + ADDSLOTSRANGE form a 3-master cluster", form_cluster):
        cluster_checks()
    finish()


if __name__ == "__main__":
    main()
