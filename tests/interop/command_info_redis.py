#!/usr/bin/python3
"""Interop: COMMAND INFO of every command the server under test registers equals Debian's
redis-server 7.0's, element for element and reply type for reply type.

What: for each name of our COMMAND LIST and each of their subcommands ("config|get"), COMMAND
INFO <name> on both servers, over RESP2 and over RESP3 (HELLO 3: sets, maps and status replies
keep their types): name, arity, flags, first/last/step, ACL categories, tips, key
specifications and subcommands. Subcommand arrays are compared as sets of entries (Redis lists
them in its dict's order, which changes with the hash seed). A command redis-server does not
have is skipped (printed as a # line). A raw socket, not redis-py, so that a set answered as
an array or a bulk answered as a status shows.
Ports: 22450 (redis-server, $REDIS_SERVER), 22451 (server under test).
"""

import os

import interop_lib as lib
from resp_raw import Conn, plain

REDIS = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")
R_PORT = 22450
S_PORT = 22451

# Differences we keep on purpose: name -> why. Empty: every command matches.
KNOWN = {}


def normalize(reply, keep=None):
    """A COMMAND INFO entry with its subcommands (element 9) sorted by name; with `keep`, only
    the subcommands named there (a container's subcommands we do not have are compared
    nowhere, as a command we do not have is skipped)."""
    t, v = reply
    if t != "*" or v is None or len(v) != 10:
        return reply
    subs = v[9]
    if subs[1]:
        entries = [normalize(s) for s in subs[1]]
        if keep is not None:
            entries = [e for e in entries if e[1][0][1] in keep]
        subs = ("*", sorted(entries, key=repr))
    return (t, v[:9] + [subs])


def first_difference(a, b, path="entry"):
    """A short text naming where two typed replies first differ."""
    if a[0] != b[0]:
        return f"{path}: type {a[0]!r} vs {b[0]!r}: {plain(a)!r} vs {plain(b)!r}"
    if isinstance(a[1], list) and isinstance(b[1], list):
        if len(a[1]) != len(b[1]):
            return f"{path}: {plain(a)!r} vs {plain(b)!r}"
        for i, (x, y) in enumerate(zip(a[1], b[1])):
            if isinstance(x, tuple) and len(x) == 2 and isinstance(x[0], tuple):  # map pair
                for j in range(2):
                    d = first_difference(x[j], y[j], f"{path}[{i}].{'kv'[j]}")
                    if d:
                        return d
                continue
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    if a != b:
        return f"{path}: {plain(a)!r} vs {plain(b)!r}"
    return None


def names_of(conn):
    names = []
    for name in plain(conn.call("COMMAND", "LIST")):
        names.append(name)
        names += [sub[0] for sub in plain(conn.call("COMMAND", "INFO", name))[0][9]]
    return sorted(names)


def main():
    root = lib.tmpdir("command-info-redis-")
    if not lib.start_node(root, S_PORT):
        lib.check("server under test starts", lambda: (_ for _ in ()).throw(RuntimeError("no")))
        lib.finish()
    ours_binary, lib.SERVER = lib.SERVER, REDIS
    started = lib.start_node(root, R_PORT)
    lib.SERVER = ours_binary
    if not started:
        lib.check("redis-server starts", lambda: (_ for _ in ()).throw(RuntimeError("no")))
        lib.finish()

    conns = {}
    for proto in (2, 3):
        ref, ours = Conn(R_PORT), Conn(S_PORT)
        if proto == 3:
            ref.call("HELLO", "3")
            ours.call("HELLO", "3")
        conns[proto] = (ref, ours)

    names = names_of(conns[2][1])
    compared = skipped = 0
    for name in names:
        if plain(conns[2][0].call("COMMAND", "INFO", name))[0] is None:
            print(f"# {name}: not a redis-server 7.0 command, skipped")
            skipped += 1
            continue
        compared += 1
        missing = sorted(set(plain(conns[2][0].call("COMMAND", "INFO", name))[0][9] and
                             [s[0] for s in plain(conns[2][0].call("COMMAND", "INFO", name))[0][9]])
                         - set(names))
        if missing:
            print(f"# {name}: subcommands not here, skipped: {' '.join(missing)}")

        def same(name=name):
            for proto, (ref, ours) in conns.items():
                want = normalize(ref.call("COMMAND", "INFO", name)[1][0], set(names))
                got = normalize(ours.call("COMMAND", "INFO", name)[1][0])
                d = first_difference(got, want)
                assert d is None, f"RESP{proto} ours vs redis: {d}"

        if name in KNOWN:
            print(f"# {name}: known difference, {KNOWN[name]}")
            continue
        lib.check(f"COMMAND INFO {name} is redis-server's (RESP2 and RESP3)", same)

    print(f"# {compared} commands compared, {skipped} skipped, {len(KNOWN)} known differences")
    lib.check("more than 150 commands compared", lambda: lib.eq(compared > 150, True))
    lib.finish()


if __name__ == "__main__":
    main()
