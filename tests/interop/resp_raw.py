"""A minimal RESP2/RESP3 client over a raw socket that keeps every reply's type (imported, not
run): `command_info_redis.py` and `utils/gen_command_specs.py` compare and read COMMAND INFO
with it, where redis-py would turn sets into lists and status replies into strings."""

import socket


class Conn:
    def __init__(self, port, host="127.0.0.1"):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def read(self):
        """One reply as (type, value): type is the RESP prefix; aggregates hold lists."""
        line = self._line()
        t, rest = chr(line[0]), line[1:]
        if t in "+-:,(#_":
            return (t, rest.decode())
        if t in "$=!":
            n = int(rest)
            return (t, None) if n < 0 else (t, self._exact(n).decode(errors="replace"))
        if t in "*~>":
            n = int(rest)
            return (t, None) if n < 0 else (t, [self.read() for _ in range(n)])
        if t == "%":
            return (t, [(self.read(), self.read()) for _ in range(int(rest))])
        raise ValueError(f"unknown RESP type {t!r}")

    def call(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.sock.sendall(out)
        return self.read()

    def close(self):
        self.sock.close()


def plain(reply):
    """A typed reply as plain Python values (maps as lists of pairs, in order)."""
    t, v = reply
    if v is None:
        return None
    if t in "*~>":
        return [plain(x) for x in v]
    if t == "%":
        return [(plain(k), plain(x)) for k, x in v]
    if t == ":":
        return int(v)
    return v
