#!/usr/bin/python3
"""Interop suite: redis-py 4.3.4's RedisCluster (Debian's python3-redis) keeps working through
failovers of a cluster of the server under test.

What: 3 masters + 3 replicas made by Debian's `redis-cli --cluster create --cluster-replicas 1`
(cluster-node-timeout 1000); one RedisCluster client writes 3,000 keys (WAIT 1 on every master
after), then the master of key "anchor" is killed with SIGKILL: the same client object, retrying
each failed operation until a 15 s deadline, reads back every key and writes new ones, and the
killed node, restarted, comes back as a replica of its former replica. Then a manual
`CLUSTER FAILOVER` on a replica, and the client follows the new master with no write lost.
Approach: one "ok - " / "not ok - " line per check and "N passed, N failed" last; every wait is
polled with a deadline; processes are stopped by pid (interop_lib.py).
Must run with /usr/bin/python3: the python3 on PATH lacks the redis module.
Ports: 16840-16845 (cluster bus 26840-26845).
"""

import subprocess
import time

import redis
import redis.cluster

from interop_lib import (CLI, COUNTS, check, eq, finish, kill_node, plain, print_log_tail,
                         start_node, tmpdir, wait_for)

PORTS = list(range(16840, 16846))
NKEYS = 3000
TMP = tmpdir("slotcache-interop-failover-py.")
CLUSTER_ARGS = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", "1000"]


def myself(port):
    for line in plain(port).execute_command("CLUSTER", "NODES").decode().splitlines():
        fields = line.split()
        if "myself" in fields[2]:
            return fields
    return None


def role(port):
    me = myself(port)
    return "master" if "master" in me[2] else "slave"


def master_id_of(port):
    return myself(port)[3]


def port_of_id(node_id):
    for p in PORTS:
        try:
            if plain(p, 2).execute_command("CLUSTER", "MYID").decode() == node_id:
                return p
        except redis.RedisError:
            pass
    return None


def retrying(fn, deadline):
    """fn() until it returns without a redis error or the deadline passes; (value, errors)."""
    errors = 0
    while True:
        try:
            return fn(), errors
        except (redis.RedisError, IndexError, KeyError) as e:
            # redis-py 4.3.4 can raise IndexError/KeyError while its slot cache is rebuilt.
            errors += 1
            if time.monotonic() > deadline:
                raise AssertionError(f"still failing at the deadline: {e!r}")
            time.sleep(0.05)


def main():
    for p in PORTS:
        if not start_node(TMP, p, CLUSTER_ARGS):
            check(f"node starts on port {p}", lambda: (_ for _ in ()).throw(AssertionError()))
            finish()
    create = subprocess.run([CLI, "--cluster", "create"] + [f"127.0.0.1:{p}" for p in PORTS] +
                            ["--cluster-replicas", "1", "--cluster-yes"],
                            capture_output=True, text=True, timeout=60)
    ok = check("redis-cli --cluster create --cluster-replicas 1",
               lambda: eq(create.returncode, 0))
    if not ok:
        print("# " + create.stdout[-2000:].replace("\n", "\n# "))
        finish()

    def all_ok():
        return all(plain(p).cluster("INFO")["cluster_state"] == "ok" for p in PORTS)

    def links_up():
        return all(plain(p).info("replication").get("master_link_status") == "up"
                   for p in PORTS if role(p) == "slave")

    check("cluster_state ok and every replica linked",
          lambda: (assert_true(wait_for(all_ok, 30)), assert_true(wait_for(links_up, 30))))

    rc = redis.cluster.RedisCluster(host="127.0.0.1", port=PORTS[0], socket_timeout=2,
                                    socket_connect_timeout=1)
    values = {f"key:{i}": f"v{i}" for i in range(NKEYS)}

    def write_all():
        for k, v in values.items():
            assert rc.set(k, v)
        for p in PORTS:
            if role(p) == "master":
                eq(plain(p).execute_command("WAIT", 1, 5000), 1)
    check(f"RedisCluster writes {NKEYS} keys, each master's replica acknowledges", write_all)

    # ---- SIGKILL of the master of "anchor" ------------------------------------------------
    victim = rc.get_node_from_key("anchor").port
    replica_ports = [p for p in PORTS if role(p) == "slave" and
                     master_id_of(p) == plain(victim).execute_command("CLUSTER", "MYID").decode()]
    kill_node(victim)
    killed_at = time.monotonic()
    deadline = killed_at + 15
    stats = {"errors": 0}

    def anchor_writable():
        _, errs = retrying(lambda: rc.set("anchor", "after"), deadline)
        stats["errors"] += errs
        stats["window"] = time.monotonic() - killed_at
    check("SIGKILL of a master: the client writes its slots again within 15 s",
          anchor_writable)
    print(f"# unavailability of the killed master's slots: {stats.get('window', -1):.2f} s, "
          f"{stats['errors']} failed attempts")

    def every_key_readable():
        lost = 0
        for k, v in values.items():
            got, _ = retrying(lambda: rc.get(k), deadline + 10)
            if got != v.encode():
                lost += 1
        eq(lost, 0)
    check(f"every one of the {NKEYS} acknowledged keys is still readable", every_key_readable)

    def promoted():
        assert any(role(p) == "master" for p in replica_ports), "no replica became master"
    check("the killed master's replica is a master now", promoted)

    start_node(TMP, victim, CLUSTER_ARGS)

    def rejoined():
        assert_true(wait_for(lambda: role(victim) == "slave", 20))
        new_master = port_of_id(master_id_of(victim))
        assert new_master in replica_ports, f"follows {new_master}, not the promoted replica"
        assert_true(wait_for(all_ok, 20))
    check("the restarted node rejoins as a replica of the new master", rejoined)

    # ---- manual failover under the same client ----------------------------------------------
    master = rc.get_node_from_key("manual").port
    my_id = plain(master).execute_command("CLUSTER", "MYID").decode()
    replica = next(p for p in PORTS if role(p) == "slave" and master_id_of(p) == my_id)
    check("every replica linked again", lambda: assert_true(wait_for(links_up, 20)))
    counter = {"acked": 0}

    def manual():
        eq(plain(replica).execute_command("CLUSTER", "FAILOVER"), b"OK")
        end = time.monotonic() + 15
        while time.monotonic() < end:
            value, _ = retrying(lambda: rc.incr("manual"), end)
            eq(value, counter["acked"] + 1)
            counter["acked"] = value
            if role(replica) == "master" and counter["acked"] > 50:
                break
        eq(role(replica), "master")
        eq(int(rc.get("manual")), counter["acked"])
    check("CLUSTER FAILOVER: the client follows the new master, every INCR acknowledged counts",
          manual)

    if COUNTS["failed"]:
        for p in PORTS:
            print(f"# ---- {p}")
            print_log_tail(TMP, p, 15)
    finish()


def assert_true(value):
    assert value


if __name__ == "__main__":
    main()
