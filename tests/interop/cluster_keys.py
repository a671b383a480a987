# Helper of the cluster interop suites (run by them, never a suite itself: not executable, so
# tests/run-all skips it). Uses Debian's redis-py 4.3.4 under /usr/bin/python3.
#
#   cluster_keys.py load PORT N PREFIX      N keys PREFIX:<i> = v<i>, pipelined to each key's
#                                           master (CLUSTER SLOTS asked of PORT); prints N
#   cluster_keys.py verify PORT N PREFIX    reads them back from the masters that serve them
#                                           now; prints "<missing> <wrong>"
#   cluster_keys.py checker PORT STOPFILE PREFIX
#                                           until STOPFILE exists (at most 300 s): SET PREFIX:<j>
#                                           and GET of a key written before, through
#                                           RedisCluster (which follows MOVED and ASK); then
#                                           reads every key it wrote. Prints "<requests>
#                                           <errors> <lost>": errors are exceptions left after
#                                           redis-py's retries, lost are reads that did not
#                                           return the last acknowledged value
#
# Every call has a socket timeout; nothing here waits without a bound.
import logging
import os
import random
import sys
import time

import redis
from redis.cluster import RedisCluster
from redis.crc import key_slot

logging.disable(logging.CRITICAL)  # redis-py logs every redirect it follows


def owners(port):
    out = {}
    for lo, hi, master, *rest in redis.Redis(port=port, socket_timeout=10).execute_command(
            "CLUSTER SLOTS"):
        for s in range(lo, hi + 1):
            out[s] = master[1]
    return out


def by_owner(port, keys):
    own = owners(port)
    groups = {}
    for k in keys:
        groups.setdefault(own[key_slot(k.encode())], []).append(k)
    return groups


def load(port, n, prefix):
    keys = ["%s:%d" % (prefix, i) for i in range(n)]
    for p, ks in by_owner(port, keys).items():
        pipe = redis.Redis(port=p, socket_timeout=30).pipeline(transaction=False)
        for k in ks:
            pipe.set(k, "v" + k.rsplit(":", 1)[1])
            if len(pipe) >= 1000:
                pipe.execute()
        pipe.execute()
    print(n)


def verify(port, n, prefix):
    keys = ["%s:%d" % (prefix, i) for i in range(n)]
    missing = wrong = 0
    for p, ks in by_owner(port, keys).items():
        r = redis.Redis(port=p, socket_timeout=30)
        for i in range(0, len(ks), 1000):
            chunk = ks[i:i + 1000]
            pipe = r.pipeline(transaction=False)
            for k in chunk:
                pipe.get(k)
            for k, v in zip(chunk, pipe.execute(raise_on_error=False)):
                if v is None or isinstance(v, Exception):
                    missing += 1
                elif v.decode() != "v" + k.rsplit(":", 1)[1]:
                    wrong += 1
    print(missing, wrong)


def checker(port, stopfile, prefix):
    rc = RedisCluster(host="127.0.0.1", port=port, socket_timeout=10,
                      cluster_error_retry_attempts=10)
    last, requests, errors, lost, i = {}, 0, 0, 0, 0
    deadline = time.time() + 300
    while not os.path.exists(stopfile) and time.time() < deadline:
        k = "%s:%d" % (prefix, i % 5000)
        try:
            rc.set(k, str(i))
            last[k] = str(i)
            requests += 1
            j = "%s:%d" % (prefix, random.randrange(min(i, 4999) + 1))
            got = rc.get(j)
            requests += 1
            if j in last and (got is None or got.decode() != last[j]):
                lost += 1
        except Exception as e:  # noqa: BLE001 - every failure is counted, none hidden
            errors += 1
            print("checker:", repr(e)[:200], file=sys.stderr)
        i += 1
    for k, v in last.items():
        try:
            got = rc.get(k)
            if got is None or got.decode() != v:
                lost += 1
        except Exception as e:  # noqa: BLE001
            errors += 1
            print("checker:", repr(e)[:200], file=sys.stderr)
    print(requests, errors, lost)


if __name__ == "__main__":
    cmd, port = sys.argv[1], int(sys.argv[2])
    if cmd == "load":
        load(port, int(sys.argv[3]), sys.argv[4])
    elif cmd == "verify":
        verify(port, int(sys.argv[3]), sys.argv[4])
    elif cmd == "checker":
        checker(port, sys.argv[3], sys.argv[4])
    else:
        sys.exit("unknown command " + cmd)
