#!/usr/bin/python3
"""Interop: lists between the server under test and Debian's redis-server 7.0, both ways.

What: lists of every element shape (short and long strings, canonical and non-canonical
integers, empty strings, a 70 KB element, 3,000 random binary elements, many nodes) DUMPed by
one server RESTORE in the other with the same LRANGE, both ways, also with redis-server's
sanitize-dump-payload yes (its deep listpack validation) and list-max-listpack-size 5; a
MIGRATE of a list each way; and redis-py's list API (push/pop with count, LPOS, LMOVE, BLPOP
with a timeout) gives the same answers on both servers.
Ports: 12060 (server under test), 12061 (redis-server, $REDIS_SERVER).
"""

import os
import random
import signal
import subprocess

import interop_lib as lib

REDIS = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
S_PORT = 12060
R_PORT = 12061


def start_redis(root):
    d = os.path.join(root, "redis")
    os.makedirs(d, exist_ok=True)
    proc = subprocess.Popen([REDIS, "--port", str(R_PORT), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", d, "--logfile", d + "/log"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = lib.wait_for(lambda: lib.plain(R_PORT, 1).ping(), 10)
    return proc, ok


def cases():
    rnd = random.Random(7)
    return {
        "small": [b"a", b"b", b"1", b"-5", b"123456789012", b"", b"012", b"+1", b"-0"],
        "ints": [str(i).encode() for i in range(-300000, 5000000, 977)],
        "big": [b"x" * 70000, b"y", b"z" * 5000],
        "binary": [bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 300)))
                   for _ in range(3000)],
        "limits": [b"9223372036854775807", b"-9223372036854775808", b"9223372036854775808"],
    }


def round_trips(s, r, label):
    for name, vals in cases().items():
        for src, dst, direction in ((s, r, "ours -> redis"), (r, s, "redis -> ours")):
            def run(src=src, dst=dst, name=name, vals=vals):
                src.delete(name)
                dst.delete(name)
                src.rpush(name, *vals)
                dst.restore(name, 0, src.dump(name))
                lib.eq(dst.lrange(name, 0, -1), vals)
                lib.eq(dst.object("encoding", name), b"quicklist")
            lib.check(f"DUMP/RESTORE {label} {name}: {direction}", run)


def same_answers(s, r):
    def run():
        out = []
        for c in (s, r):
            c.delete("q", "d")
            c.rpush("q", *[str(i % 7) for i in range(50)])
            out.append([
                c.lpop("q", 3), c.rpop("q", 2), c.lpos("q", "3", rank=-2, count=2),
                c.lmove("q", "d", "LEFT", "RIGHT"), c.linsert("q", "AFTER", "4", "x"),
                c.lrem("q", -2, "5"), c.lrange("q", 0, 9), c.blpop(["none", "q"], 0.05),
                c.blpop(["none"], 0.05), c.lpop("none", 2),
            ])
        lib.eq(out[0], out[1])
    lib.check("redis-py list API: same answers from both servers", run)


def migrate_both_ways(s, r):
    def run():
        for src, dst_port, dst in ((s, R_PORT, r), (r, S_PORT, s)):
            src.delete("m")
            dst.delete("m")
            src.rpush("m", *[f"e{i}" for i in range(5000)])
            lib.eq(src.execute_command("MIGRATE", "127.0.0.1", dst_port, "m", 0, 5000), b"OK")
            lib.eq(dst.llen("m"), 5000)
            lib.eq(dst.lindex("m", 4321), b"e4321")
    lib.check("MIGRATE of a 5000-element list, both ways", run)


def main():
    root = lib.tmpdir("lists-redis-")
    if not lib.start_node(root, S_PORT):
        lib.check("server under test starts", lambda: (_ for _ in ()).throw(RuntimeError("no")))
        lib.finish()
    proc, ok = start_redis(root)
    try:
        if not ok:
            lib.check("redis-server starts", lambda: (_ for _ in ()).throw(RuntimeError("no")))
            lib.finish()
        s = lib.plain(S_PORT)
        r = lib.plain(R_PORT)
        round_trips(s, r, "default")
        r.config_set("sanitize-dump-payload", "yes")
        round_trips(s, r, "sanitize-dump-payload yes")
        r.config_set("sanitize-dump-payload", "no")
        r.config_set("list-max-listpack-size", "5")
        round_trips(s, r, "list-max-listpack-size 5")
        r.config_set("list-max-listpack-size", "-2")
        same_answers(s, r)
        migrate_both_ways(s, r)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    lib.finish()


if __name__ == "__main__":
    main()
