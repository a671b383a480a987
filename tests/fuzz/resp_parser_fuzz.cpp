// libFuzzer target for resp::Parser, the parser every client byte goes through.
//
// Input layout: byte 0 selects limits (unauthenticated; small max_inline_len / max_bulk_len /
// max_multibulk_len so the "too big" and "invalid" paths are reachable with small inputs),
// byte 1 seeds the split points, the rest is the stream.
//
// Each input is parsed three ways and must give the same commands, the same final status,
// the same error text and the same unconsumed byte count:
//   1. whole, from libFuzzer's exactly-sized buffer (ASan catches any over-read);
//   2. in chunks whose sizes derive from the input, the buffer copied to a fresh exactly-sized
//      allocation on every read (the parser must keep only offsets across NeedMore);
//   3. every complete command is re-encoded with Reply into an OutBuffer and parsed back.
// Multibulk arguments must lie within the buffer; consumed() within the bytes presented.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "resp/parser.h"
#include "resp/reply.h"

namespace {

using slotcache::resp::OutBuffer;
using slotcache::resp::Parser;
using slotcache::resp::ParserLimits;
using slotcache::resp::ParseStatus;
using slotcache::resp::Reply;

struct Outcome {
    std::vector<std::vector<std::string>> cmds;
    ParseStatus last = ParseStatus::NeedMore;
    std::string error;
    size_t leftover = 0;
};

void check(bool ok, const char* what) {
    if (!ok) {
        fprintf(stderr, "resp_parser_fuzz: %s\n", what);
        abort();
    }
}

// Records a Complete command after checking its views against [buf, buf + len).
void record(const Parser& p, const char* buf, size_t len, Outcome* o) {
    check(p.consumed() > 0 && p.consumed() <= len, "consumed() outside the presented bytes");
    std::vector<std::string> cmd;
    for (auto a : p.args()) {
        if (buf[0] == '*') {
            check(a.data() >= buf && a.data() + a.size() <= buf + p.consumed(),
                  "multibulk argument outside the command's bytes");
        }
        cmd.emplace_back(a);
    }
    o->cmds.push_back(std::move(cmd));
}

Outcome parse_whole(const char* data, size_t size, const ParserLimits& lim) {
    Outcome o;
    Parser p;
    size_t off = 0;
    while (true) {
        ParseStatus st = p.parse(data + off, size - off, lim);
        if (st != ParseStatus::Complete) {
            o.last = st;
            o.error = st == ParseStatus::Error ? p.error() : "";
            o.leftover = size - off;
            return o;
        }
        record(p, data + off, size - off, &o);
        off += p.consumed();
    }
}

Outcome parse_chunked(const char* data, size_t size, const ParserLimits& lim, uint32_t seed) {
    Outcome o;
    Parser p;
    std::unique_ptr<char[]> buf;
    size_t have = 0;
    size_t fed = 0;
    uint32_t x = seed * 2654435761u + 1;
    while (fed < size) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        size_t chunk = 1 + x % ((x >> 8) % 2 ? 4 : 64);
        chunk = chunk > size - fed ? size - fed : chunk;
        std::unique_ptr<char[]> next(new char[have + chunk]);
        if (have > 0) {
            memcpy(next.get(), buf.get(), have);
        }
        memcpy(next.get() + have, data + fed, chunk);
        buf = std::move(next);
        have += chunk;
        fed += chunk;
        while (true) {
            ParseStatus st = p.parse(buf.get(), have, lim);
            if (st == ParseStatus::Error) {
                o.last = st;
                o.error = p.error();
                o.leftover = have + (size - fed);
                return o;
            }
            if (st == ParseStatus::NeedMore) {
                if (p.bytes_needed() != 0) {
                    check(p.bytes_needed() > have, "bytes_needed() not beyond the buffer");
                }
                break;
            }
            record(p, buf.get(), have, &o);
            memmove(buf.get(), buf.get() + p.consumed(), have - p.consumed());
            have -= p.consumed();
        }
    }
    o.last = ParseStatus::NeedMore;
    o.leftover = have;
    return o;
}

// Re-encodes each command as a multibulk through Reply/OutBuffer and parses it back.
void check_roundtrip(const Outcome& o) {
    OutBuffer out;
    Reply r(out, 2);
    size_t nonempty = 0;
    for (const auto& cmd : o.cmds) {
        if (cmd.empty()) {
            continue;
        }
        nonempty++;
        r.array(cmd.size());
        for (const auto& a : cmd) {
            r.bulk(a);
        }
    }
    std::string wire;
    // Drain in pieces that straddle block edges, as short writes would.
    iovec v[1];
    while (!out.empty()) {
        check(out.iov(v, 1) == 1, "non-empty OutBuffer without an iovec");
        size_t take = v[0].iov_len > 1000 ? 1000 : v[0].iov_len;
        wire.append(static_cast<const char*>(v[0].iov_base), take);
        out.consume(take);
    }
    Outcome back = parse_whole(wire.data(), wire.size(), ParserLimits{});
    check(back.last == ParseStatus::NeedMore && back.leftover == 0, "re-encoded stream not whole");
    check(back.cmds.size() == nonempty, "re-encoded command count differs");
    size_t i = 0;
    for (const auto& cmd : o.cmds) {
        if (!cmd.empty()) {
            check(back.cmds[i++] == cmd, "re-encoded command differs");
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) {
        return 0;
    }
    ParserLimits lim;
    uint8_t f = data[0];
    lim.authenticated = !(f & 1);
    if (f & 2) {
        lim.max_inline_len = 4 + (f >> 4);
    }
    if (f & 4) {
        lim.max_bulk_len = f >> 3;
    }
    if (f & 8) {
        lim.max_multibulk_len = f >> 4;
    }
    uint32_t seed = data[1];
    const char* s = reinterpret_cast<const char*>(data + 2);
    size_t n = size - 2;

    Outcome whole = parse_whole(s, n, lim);
    Outcome chunked = parse_chunked(s, n, lim, seed);
    check(whole.cmds == chunked.cmds, "commands differ between whole and chunked parsing");
    check(whole.last == chunked.last, "final status differs between whole and chunked parsing");
    check(whole.error == chunked.error, "error text differs between whole and chunked parsing");
    check(whole.leftover == chunked.leftover, "unconsumed bytes differ");
    check(whole.last != ParseStatus::Error || whole.error.rfind("Protocol error: ", 0) == 0,
          "error text without the Redis prefix");
    check_roundtrip(whole);
    return 0;
}
