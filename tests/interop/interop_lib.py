"""Shared harness of the Python interop suites (imported, not run): server processes started
from $SLOTCACHE_SERVER and stopped by pid at exit, TAP-like check lines, and the final
"N passed, N failed" line.

Every process started here is stopped on exit, SIGINT or SIGTERM (SIGCONT first, so a stopped
node can take its SIGTERM); killed nodes are reaped at once.
"""

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import redis

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.environ.get("SLOTCACHE_SERVER", os.path.join(REPO, "src", "slotcache-server"))
CLI = os.environ.get("REDIS_CLI", "/usr/bin/redis-cli")

COUNTS = {"passed": 0, "failed": 0}
_TMP = []
_PROCS = {}  # port -> Popen


def tmpdir(prefix):
    path = tempfile.mkdtemp(prefix=prefix)
    _TMP.append(path)
    return path


def _cleanup():
    for proc in _PROCS.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGCONT)
            proc.terminate()
    for proc in _PROCS.values():
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    _PROCS.clear()
    for path in _TMP:
        shutil.rmtree(path, ignore_errors=True)


def _on_signal(signum, _frame):
    _cleanup()
    sys.exit(128 + signum)


atexit.register(_cleanup)
signal.signal(signal.SIGINT, _on_signal)
signal.signal(signal.SIGTERM, _on_signal)


def start_node(root, port, extra=()):
    """Starts one server in root/<port> (same dir on a restart); True once PING answers."""
    directory = os.path.join(root, str(port))
    os.makedirs(directory, exist_ok=True)
    if not os.access(SERVER, os.X_OK):
        print(f"# server binary {SERVER} is missing or not executable")
        return False
    args = [SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--dir", directory,
            "--logfile", os.path.join(directory, "log")] + list(extra)
    with open(os.path.join(directory, "stdout"), "ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    _PROCS[port] = proc
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping():
                return True
        except redis.AuthenticationError:
            return True  # up, with requirepass
        except redis.RedisError:
            pass
        time.sleep(0.05)
    print(f"# node on port {port} did not become ready; log tail:")
    print_log_tail(root, port)
    return False


def print_log_tail(root, port, lines=20):
    for name in ("log", "stdout"):
        try:
            with open(os.path.join(root, str(port), name), errors="replace") as f:
                for line in f.readlines()[-lines:]:
                    print("#   " + line.rstrip())
        except OSError:
            pass


def kill_node(port, sig=signal.SIGKILL):
    """Sends sig to the node on port; SIGKILL also reaps it."""
    proc = _PROCS.get(port)
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    if sig == signal.SIGKILL:
        proc.wait(timeout=10)


def check(name, fn):
    """Runs one check: fn returns normally for ok, raises for not ok."""
    try:
        fn()
    except Exception as e:  # a check that blows up in any way is a failed check, not a crash
        COUNTS["failed"] += 1
        reason = f"{type(e).__name__}: {e}".replace("\n", " ")[:400]
        print(f"not ok - {name} ({reason})")
        return False
    COUNTS["passed"] += 1
    print(f"ok - {name}")
    return True


def eq(actual, expected):
    assert actual == expected, f"expected {expected!r}, got {actual!r}"


def finish():
    print(f"{COUNTS['passed']} passed, {COUNTS['failed']} failed")
    sys.exit(0 if COUNTS["failed"] == 0 else 1)


def plain(port, timeout=10):
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=timeout)


def wait_for(fn, timeout, interval=0.05):
    """Polls fn (exceptions count as False) until it is true or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if fn():
                return True
        except redis.RedisError:
            pass
        time.sleep(interval)
    return False
