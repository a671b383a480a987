// Unit tests for src/resp: the request parser against Redis 7.0's behaviour (every protocol error
// text, splitting at every byte, pipelining, inline quoting, binary safety, incremental big
// bulks, unauthenticated limits) and the reply writer's exact bytes in RESP2 and RESP3.
#include <doctest/doctest.h>

#include <climits>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "resp/parser.h"
#include "resp/reply.h"

using slotcache::resp::OutBuffer;
using slotcache::resp::Parser;
using slotcache::resp::ParserLimits;
using slotcache::resp::ParseStatus;
using slotcache::resp::Reply;

namespace {

using Cmd = std::vector<std::string>;

struct Outcome {
    std::vector<Cmd> cmds;
    ParseStatus last = ParseStatus::NeedMore;
    std::string error;
    size_t leftover = 0;  // bytes not consumed when the parser stopped

    bool operator==(const Outcome& o) const {
        return cmds == o.cmds && last == o.last && error == o.error && leftover == o.leftover;
    }
};

Cmd to_cmd(const Parser& p) {
    Cmd c;
    for (auto a : p.args()) {
        c.emplace_back(a);
    }
    return c;
}

// Parses a stream that arrived whole.
Outcome parse_whole(const std::string& s, const ParserLimits& lim = {}) {
    Outcome o;
    Parser p;
    size_t off = 0;
    while (true) {
        ParseStatus st = p.parse(s.data() + off, s.size() - off, lim);
        if (st == ParseStatus::Complete) {
            REQUIRE(p.consumed() > 0);
            REQUIRE(p.consumed() <= s.size() - off);
            o.cmds.push_back(to_cmd(p));
            off += p.consumed();
            continue;
        }
        o.last = st;
        if (st == ParseStatus::Error) {
            o.error = p.error();
        }
        o.leftover = s.size() - off;
        return o;
    }
}

// Parses a stream that arrives in the given pieces, as a connection would: a buffer that is
// reallocated (moved) on every read, consumed bytes dropped after each Complete.
Outcome parse_pieces(const std::string& s, const std::vector<size_t>& cuts,
                     const ParserLimits& lim = {}) {
    Outcome o;
    Parser p;
    std::string buf;
    size_t fed = 0;
    size_t next_cut = 0;
    while (true) {
        size_t upto = next_cut < cuts.size() ? cuts[next_cut++] : s.size();
        buf = std::string(buf) + s.substr(fed, upto - fed);  // force a new address
        fed = upto;
        while (true) {
            ParseStatus st = p.parse(buf.data(), buf.size(), lim);
            if (st == ParseStatus::Complete) {
                o.cmds.push_back(to_cmd(p));
                buf.erase(0, p.consumed());
                continue;
            }
            if (st == ParseStatus::Error) {
                o.last = st;
                o.error = p.error();
                o.leftover = buf.size() + (s.size() - fed);
                return o;
            }
            break;
        }
        if (fed == s.size()) {
            o.last = ParseStatus::NeedMore;
            o.leftover = buf.size();
            return o;
        }
    }
}

std::string error_of(const std::string& s, const ParserLimits& lim = {}) {
    Outcome o = parse_whole(s, lim);
    return o.last == ParseStatus::Error ? o.error : std::string("<no error>");
}

Cmd one(const std::string& s, const ParserLimits& lim = {}) {
    Outcome o = parse_whole(s, lim);
    REQUIRE(o.cmds.size() == 1);
    return o.cmds[0];
}

ParserLimits unauth() {
    ParserLimits l;
    l.authenticated = false;
    return l;
}

std::string drain(const OutBuffer& b) {
    iovec v[64];
    size_t n = b.iov(v, 64);
    std::string s;
    for (size_t i = 0; i < n; i++) {
        s.append(static_cast<const char*>(v[i].iov_base), v[i].iov_len);
    }
    return s;
}

template <class F>
std::string reply_bytes(int proto, F f) {
    OutBuffer b;
    Reply r(b, proto);
    f(r);
    return drain(b);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Multibulk

TEST_CASE("parser: a multibulk command yields its arguments and consumes exactly its bytes") {
    std::string s = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n";
    Parser p;
    REQUIRE(p.parse(s.data(), s.size(), {}) == ParseStatus::Complete);
    CHECK(p.argc() == 3);
    CHECK(to_cmd(p) == Cmd{"SET", "k", "value"});
    CHECK(p.consumed() == s.size());
}

TEST_CASE("parser: multibulk arguments are views into the caller's buffer") {
    std::string s = "*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n";
    Parser p;
    REQUIRE(p.parse(s.data(), s.size(), {}) == ParseStatus::Complete);
    for (auto a : p.args()) {
        CHECK(a.data() >= s.data());
        CHECK(a.data() + a.size() <= s.data() + s.size());
    }
    CHECK(p.args()[1].data() == s.data() + 17);
}

TEST_CASE("parser: pipelined commands are parsed one per call, in order") {
    std::string s = "*1\r\n$4\r\nPING\r\nECHO hi\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n\r\n*1\r\n$4\r\nPI";
    Outcome o = parse_whole(s);
    REQUIRE(o.cmds.size() == 4);
    CHECK(o.cmds[0] == Cmd{"PING"});
    CHECK(o.cmds[1] == Cmd{"ECHO", "hi"});
    CHECK(o.cmds[2] == Cmd{"GET", "a"});
    CHECK(o.cmds[3].empty());
    CHECK(o.last == ParseStatus::NeedMore);
    CHECK(o.leftover == 10);
}

TEST_CASE("parser: *0 and negative counts are complete commands with no arguments") {
    for (std::string s : {"*0\r\n", "*-1\r\n", "*-10\r\n"}) {
        Parser p;
        REQUIRE(p.parse(s.data(), s.size(), {}) == ParseStatus::Complete);
        CHECK(p.argc() == 0);
        CHECK(p.consumed() == s.size());
    }
}

TEST_CASE("parser: bulks are binary safe (NUL, CR, LF inside)") {
    std::string payload("a\0\r\nb", 5);
    std::string s = "*2\r\n$5\r\n" + payload + "\r\n$0\r\n\r\n";
    Cmd c = one(s);
    CHECK(c[0] == payload);
    CHECK(c[1].empty());
}

TEST_CASE("parser: like Redis, the CRLF after a count or a bulk is skipped, not checked") {
    CHECK(one("*1\r\n$3\r\nfooXY") == Cmd{"foo"});
    CHECK(one("*1\rX$3\rYfoo\r\n") == Cmd{"foo"});
}

TEST_CASE("parser: a count line needs the byte after its CR before it is read") {
    Parser p;
    std::string s = "*1\r";
    CHECK(p.parse(s.data(), s.size(), {}) == ParseStatus::NeedMore);
    s = "*abc\r";
    CHECK(p.parse(s.data(), s.size(), {}) == ParseStatus::NeedMore);
    s = "*abc\r\n";
    CHECK(p.parse(s.data(), s.size(), {}) == ParseStatus::Error);
}

TEST_CASE("parser: a huge *N is accepted without reserving N slots") {
    std::string s = "*2147483647\r\n$1\r\na\r\n";
    Parser p;
    CHECK(p.parse(s.data(), s.size(), {}) == ParseStatus::NeedMore);
}

// ---------------------------------------------------------------------------------------------
// Protocol errors (texts byte for byte as Redis 7.0)

TEST_CASE("parser: invalid multibulk length") {
    const char* bad[] = {"*abc\r\n", "*\r\n", "*+1\r\n", "*01\r\n", "* 1\r\n", "*1 \r\n",
                         "*2147483648\r\n", "*99999999999999999999\r\n", "*-\r\n", "*-0\r\n"};
    for (const char* s : bad) {
        CAPTURE(s);
        CHECK(error_of(s) == "Protocol error: invalid multibulk length");
    }
    CHECK(parse_whole("*2147483647\r\n").last == ParseStatus::NeedMore);
}

TEST_CASE("parser: max_multibulk_len caps *N with invalid multibulk length") {
    ParserLimits l;
    l.max_multibulk_len = 100;
    CHECK(error_of("*101\r\n", l) == "Protocol error: invalid multibulk length");
    CHECK(parse_whole("*100\r\n", l).last == ParseStatus::NeedMore);
}

TEST_CASE("parser: too big mbulk count string past 64 KiB without CR") {
    std::string s = "*" + std::string(65535, '1');  // 65536 bytes: still waiting
    CHECK(parse_whole(s).last == ParseStatus::NeedMore);
    s += "1";
    CHECK(error_of(s) == "Protocol error: too big mbulk count string");
    // A CR at index 65536 is still within the limit: the count is then judged.
    CHECK(error_of(std::string("*") + std::string(65535, '1') + "\r\n") ==
          "Protocol error: invalid multibulk length");
}

TEST_CASE("parser: a NUL before the CR hides it, as strchr does in Redis") {
    std::string s("*1\0\r\n$1\r\na\r\n", 12);
    CHECK(parse_whole(s).last == ParseStatus::NeedMore);
    s += std::string(70000, 'x');
    CHECK(error_of(s) == "Protocol error: too big mbulk count string");
    std::string b("*1\r\n$1\0\r\n", 9);
    CHECK(parse_whole(b).last == ParseStatus::NeedMore);
    CHECK(error_of(b + std::string(70000, 'x')) == "Protocol error: too big bulk count string");
}

TEST_CASE("parser: expected '$', got 'X' names the offending byte") {
    CHECK(error_of("*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n") ==
          "Protocol error: expected '$', got 'f'");
    CHECK(error_of("*1\r\n:1\r\n") == "Protocol error: expected '$', got ':'");
    // A CR or LF is mapped to a space, as addReplyErrorFormat does.
    CHECK(error_of("*1\r\n\r\n") == "Protocol error: expected '$', got ' '");
    CHECK(error_of("*1\r\n\n\r\n") == "Protocol error: expected '$', got ' '");
    // The '$' is checked only once the whole count line is there.
    CHECK(parse_whole("*1\r\nfoo").last == ParseStatus::NeedMore);
}

TEST_CASE("parser: too big bulk count string past 64 KiB without CR") {
    std::string s = "*1\r\n$" + std::string(65535, '1');
    CHECK(parse_whole(s).last == ParseStatus::NeedMore);
    CHECK(error_of(s + "1") == "Protocol error: too big bulk count string");
}

TEST_CASE("parser: invalid bulk length") {
    const char* bad[] = {"*1\r\n$-1\r\n", "*1\r\n$abc\r\n", "*1\r\n$\r\n", "*1\r\n$+3\r\n",
                         "*1\r\n$03\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n",
                         "*1\r\n$99999999999999999999\r\n"};
    for (const char* s : bad) {
        CAPTURE(s);
        CHECK(error_of(s) == "Protocol error: invalid bulk length");
    }
}

TEST_CASE("parser: a bulk over proto-max-bulk-len is an invalid bulk length") {
    ParserLimits l;
    l.max_bulk_len = 10;
    CHECK(error_of("*1\r\n$11\r\n", l) == "Protocol error: invalid bulk length");
    CHECK(one("*1\r\n$10\r\n0123456789\r\n", l) == Cmd{"0123456789"});
    CHECK(error_of("*1\r\n$536870913\r\n") == "Protocol error: invalid bulk length");
    CHECK(parse_whole("*1\r\n$536870912\r\n").last == ParseStatus::NeedMore);
}

TEST_CASE("parser: unauthenticated clients get at most 10 arguments of 16 KiB") {
    CHECK(error_of("*11\r\n", unauth()) == "Protocol error: unauthenticated multibulk length");
    CHECK(parse_whole("*10\r\n", unauth()).last == ParseStatus::NeedMore);
    CHECK(error_of("*1\r\n$16385\r\n", unauth()) == "Protocol error: unauthenticated bulk length");
    CHECK(parse_whole("*1\r\n$16384\r\n", unauth()).last == ParseStatus::NeedMore);
    // Invalid beats unauthenticated, as in Redis' order of checks.
    CHECK(error_of("*2147483648\r\n", unauth()) == "Protocol error: invalid multibulk length");
    CHECK(error_of("*1\r\n$-5\r\n", unauth()) == "Protocol error: invalid bulk length");
    // Authenticated: no such limits.
    CHECK(parse_whole("*11\r\n$16385\r\n").last == ParseStatus::NeedMore);
}

TEST_CASE("parser: too big inline request past 64 KiB without LF") {
    std::string s(65536, 'A');
    CHECK(parse_whole(s).last == ParseStatus::NeedMore);
    CHECK(error_of(s + "A") == "Protocol error: too big inline request");
    CHECK(one(s + "\n")[0].size() == 65536);
    ParserLimits l;
    l.max_inline_len = 8;
    CHECK(error_of("PING PING", l) == "Protocol error: too big inline request");
    CHECK(one("PINGPING\n", l) == Cmd{"PINGPING"});
}

TEST_CASE("parser: unbalanced quotes in request") {
    const char* bad[] = {"SET \"a\n", "SET \"a\"b\n", "SET 'a\n", "SET 'a'b\n", "\"\n",
                         "SET \"a\\\"\n", "a\"b c\"d\n", "\"abc\\\n"};
    for (const char* s : bad) {
        CAPTURE(s);
        CHECK(error_of(s) == "Protocol error: unbalanced quotes in request");
    }
}

// ---------------------------------------------------------------------------------------------
// Inline commands

TEST_CASE("parser: inline commands split on spaces and strip one trailing CR") {
    CHECK(one("SET k v\r\n") == Cmd{"SET", "k", "v"});
    CHECK(one("  GET \t  k  \n") == Cmd{"GET", "k"});
    CHECK(one("PING\n") == Cmd{"PING"});
    CHECK(one("a\r\r\n") == Cmd{"a"});
    CHECK(one("a\rb\n") == Cmd{"a", "b"});
}

TEST_CASE("parser: blank inline lines are complete commands with no arguments") {
    for (std::string s : {"\r\n", "\n", "   \r\n", "\t \v\f\n"}) {
        Parser p;
        REQUIRE(p.parse(s.data(), s.size(), {}) == ParseStatus::Complete);
        CHECK(p.argc() == 0);
        CHECK(p.consumed() == s.size());
    }
}

TEST_CASE("parser: inline double quotes understand C escapes and \\xHH") {
    CHECK(one("SET \"a b\" c\n") == Cmd{"SET", "a b", "c"});
    CHECK(one("\"\\n\\r\\t\\b\\a\\\\\\\"\\q\"\n") == Cmd{std::string("\n\r\t\b\a\\\"q")});
    CHECK(one("\"\\x41\\x4a\\x4B\"\n") == Cmd{"AJK"});
    CHECK(one("\"\\x4\"\n") == Cmd{"x4"});
    CHECK(one("\"\\xzz\"\n") == Cmd{"xzz"});
    CHECK(one("\"\\x00\"\n") == Cmd{std::string(1, '\0')});
    CHECK(one("\"\" x\n") == Cmd{"", "x"});
}

TEST_CASE("parser: inline single quotes only understand \\'") {
    CHECK(one("'it\\'s' x\n") == Cmd{"it's", "x"});
    CHECK(one("'a\\nb'\n") == Cmd{"a\\nb"});
    CHECK(one("'a \"b\"'\n") == Cmd{"a \"b\""});
}

TEST_CASE("parser: a quote inside an unquoted token opens a quoted part") {
    CHECK(one("foo\"bar baz\"\n") == Cmd{"foobar baz"});
    CHECK(one("a'b c'\n") == Cmd{"ab c"});
}

TEST_CASE("parser: \\v and \\f separate only before a token, as sdssplitargs does") {
    CHECK(one("a\vb\n") == Cmd{"a\vb"});
    CHECK(one("\va \fb\n") == Cmd{"a", "b"});
    CHECK(one("a b\f\n") == Cmd{"a", "b\f"});
    // A closing quote followed by \v is fine (isspace), and the \v then starts the next token.
    CHECK(one("\"a\"\vb\n") == Cmd{"a", "b"});
}

TEST_CASE("parser: an inline line with a NUL never completes") {
    std::string s("PING\0\r\n", 7);
    CHECK(parse_whole(s).last == ParseStatus::NeedMore);
    CHECK(error_of(s + std::string(70000, 'x')) == "Protocol error: too big inline request");
}

// ---------------------------------------------------------------------------------------------
// Incremental parsing

namespace {
const std::vector<std::string>& sample_streams() {
    static const std::vector<std::string> streams = {
        "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n*1\r\n$4\r\nPING\r\n",
        "PING\r\nSET \"a b\" 'c d'\r\n\r\n*0\r\n*-1\r\nGET x\n",
        std::string("*2\r\n$4\r\na\0\r\n\r\n$0\r\n\r\nECHO \"\\x00\\n\"\r\n", 35),
        "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n",
        "*1\r\n$-10\r\n",
        "*abc\r\n",
        "SET \"a\n",
        "*1\rX$3\rYfooPING\n",
        "*1\r\n\r\n",
    };
    return streams;
}
}  // namespace

TEST_CASE("parser: every stream split in two at every byte gives the whole-stream result") {
    for (const std::string& s : sample_streams()) {
        Outcome whole = parse_whole(s);
        for (size_t cut = 0; cut <= s.size(); cut++) {
            CAPTURE(s);
            CAPTURE(cut);
            CHECK(parse_pieces(s, {cut}) == whole);
        }
    }
}

TEST_CASE("parser: every stream fed one byte at a time gives the whole-stream result") {
    for (const std::string& s : sample_streams()) {
        std::vector<size_t> cuts;
        for (size_t i = 1; i < s.size(); i++) {
            cuts.push_back(i);
        }
        CAPTURE(s);
        CHECK(parse_pieces(s, cuts) == parse_whole(s));
    }
}

TEST_CASE("parser: the too-big limits do not depend on how the stream was split") {
    ParserLimits l;
    l.max_inline_len = 16;
    std::vector<std::string> streams = {std::string(17, 'A'), std::string(16, 'A') + "\n",
                                        "*" + std::string(16, '1') + "\r\n",
                                        "*" + std::string(17, '1'),
                                        "*1\r\n$" + std::string(16, '1') + "\r\n",
                                        std::string("*1\0", 3) + std::string(20, '\r')};
    for (const std::string& s : streams) {
        Outcome whole = parse_whole(s, l);
        std::vector<size_t> cuts;
        for (size_t i = 1; i < s.size(); i++) {
            cuts.push_back(i);
            CHECK(parse_pieces(s, {i}, l) == whole);
        }
        CHECK(parse_pieces(s, cuts, l) == whole);
    }
}

TEST_CASE("parser: bytes_needed reports the whole command size once a bulk header is read") {
    std::string s = "*2\r\n$3\r\nSET\r\n$1000\r\n";
    Parser p;
    REQUIRE(p.parse(s.data(), s.size(), {}) == ParseStatus::NeedMore);
    CHECK(p.bytes_needed() == s.size() + 1000 + 2);
    std::string head = "*2\r\n$3\r\nSET\r\n$10";
    Parser q;
    REQUIRE(q.parse(head.data(), head.size(), {}) == ParseStatus::NeedMore);
    CHECK(q.bytes_needed() == 0);
}

TEST_CASE("parser: a big bulk arriving in 64 KiB reads parses in O(total), never re-reading") {
    const size_t big = 16 * 1024 * 1024;
    std::string head = "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$" + std::to_string(big) + "\r\n";
    std::string buf = head;
    Parser p;
    REQUIRE(p.parse(buf.data(), buf.size(), {}) == ParseStatus::NeedMore);
    REQUIRE(p.bytes_needed() == head.size() + big + 2);
    buf.reserve(p.bytes_needed());
    // Poison the bytes already parsed: a parser that re-read them would fail or mis-parse.
    memset(buf.data(), '#', head.size());
    size_t calls = 0;
    ParseStatus st = ParseStatus::NeedMore;
    while (buf.size() < head.size() + big + 2) {
        size_t chunk = std::min<size_t>(64 * 1024, head.size() + big + 2 - buf.size());
        buf.append(chunk, 'v');
        st = p.parse(buf.data(), buf.size(), {});
        calls++;
        if (st != ParseStatus::NeedMore) {
            break;
        }
        CHECK(p.bytes_needed() == head.size() + big + 2);
    }
    REQUIRE(st == ParseStatus::Complete);
    CHECK(calls == (big + 2 + 65535) / 65536);
    REQUIRE(p.argc() == 3);
    CHECK(p.args()[2].size() == big);
    CHECK(p.args()[2].data() == buf.data() + head.size());
    CHECK(p.consumed() == buf.size());
}

TEST_CASE("parser: the buffer may move between NeedMore and Complete") {
    std::string a = "*2\r\n$3\r\nGET\r\n$5\r\nhel";
    Parser p;
    REQUIRE(p.parse(a.data(), a.size(), {}) == ParseStatus::NeedMore);
    std::vector<char> b(a.begin(), a.end());
    for (char c : std::string("lo\r\n")) {
        b.push_back(c);
    }
    a.assign(a.size(), 'z');
    REQUIRE(p.parse(b.data(), b.size(), {}) == ParseStatus::Complete);
    CHECK(to_cmd(p) == Cmd{"GET", "hello"});
    CHECK(p.args()[1].data() == b.data() + 17);
}

TEST_CASE("parser: reset() abandons a half-parsed command") {
    std::string a = "*2\r\n$3\r\nGET\r\n";
    Parser p;
    REQUIRE(p.parse(a.data(), a.size(), {}) == ParseStatus::NeedMore);
    p.reset();
    std::string b = "PING\r\n";
    REQUIRE(p.parse(b.data(), b.size(), {}) == ParseStatus::Complete);
    CHECK(to_cmd(p) == Cmd{"PING"});
}

TEST_CASE("parser: many arguments, and the parser is reusable after a large command") {
    std::string s = "*5000\r\n";
    for (int i = 0; i < 5000; i++) {
        std::string v = std::to_string(i);
        s += "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n";
    }
    s += "*1\r\n$4\r\nPING\r\n";
    Outcome o = parse_whole(s);
    REQUIRE(o.cmds.size() == 2);
    CHECK(o.cmds[0].size() == 5000);
    CHECK(o.cmds[0][4999] == "4999");
    CHECK(o.cmds[1] == Cmd{"PING"});
}

// ---------------------------------------------------------------------------------------------
// Reply encodings

TEST_CASE("reply: simple types are byte-exact in both protocols") {
    for (int proto : {2, 3}) {
        CAPTURE(proto);
        CHECK(reply_bytes(proto, [](Reply& r) { r.ok(); }) == "+OK\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.simple("PONG"); }) == "+PONG\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.integer(0); }) == ":0\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.integer(-42); }) == ":-42\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.integer(LLONG_MIN); }) ==
              ":-9223372036854775808\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.integer(LLONG_MAX); }) ==
              ":9223372036854775807\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.bulk("hello"); }) == "$5\r\nhello\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.bulk(""); }) == "$0\r\n\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.bulk(std::string_view("a\0b", 3)); }) ==
              std::string("$3\r\na\0b\r\n", 9));
        CHECK(reply_bytes(proto, [](Reply& r) { r.bulk_int(-12345); }) == "$6\r\n-12345\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.array(3); }) == "*3\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.empty_array(); }) == "*0\r\n");
        CHECK(reply_bytes(proto, [](Reply& r) { r.raw("+QUEUED\r\n"); }) == "+QUEUED\r\n");
    }
}

TEST_CASE("reply: error text keeps its code and has CR/LF replaced by spaces") {
    CHECK(reply_bytes(2, [](Reply& r) { r.error("ERR unknown command"); }) ==
          "-ERR unknown command\r\n");
    CHECK(reply_bytes(3, [](Reply& r) { r.error("ERR a\r\nb\nc\r"); }) == "-ERR a  b c \r\n");
    CHECK(reply_bytes(2, [](Reply& r) { r.error("MOVED 3999 127.0.0.1:6381"); }) ==
          "-MOVED 3999 127.0.0.1:6381\r\n");
}

TEST_CASE("reply: RESP2 forms of nulls, maps, sets, pushes, booleans, doubles, verbatim") {
    auto b = [](auto f) { return reply_bytes(2, f); };
    CHECK(b([](Reply& r) { r.null(); }) == "$-1\r\n");
    CHECK(b([](Reply& r) { r.null_array(); }) == "*-1\r\n");
    CHECK(b([](Reply& r) { r.map(2); }) == "*4\r\n");
    CHECK(b([](Reply& r) { r.set(3); }) == "*3\r\n");
    CHECK(b([](Reply& r) { r.push(3); }) == "*3\r\n");
    CHECK(b([](Reply& r) { r.boolean(true); }) == ":1\r\n");
    CHECK(b([](Reply& r) { r.boolean(false); }) == ":0\r\n");
    CHECK(b([](Reply& r) { r.bulk_double(1.5); }) == "$3\r\n1.5\r\n");
    CHECK(b([](Reply& r) { r.bulk_double(0.1); }) == "$19\r\n0.10000000000000001\r\n");
    CHECK(b([](Reply& r) { r.bulk_double(1e20); }) == "$5\r\n1e+20\r\n");
    CHECK(b([](Reply& r) { r.bulk_double(INFINITY); }) == "$3\r\ninf\r\n");
    CHECK(b([](Reply& r) { r.bulk_double(-INFINITY); }) == "$4\r\n-inf\r\n");
    CHECK(b([](Reply& r) { r.dbl(3); }) == "$1\r\n3\r\n");
    CHECK(b([](Reply& r) { r.dbl(-INFINITY); }) == "$4\r\n-inf\r\n");
    CHECK(b([](Reply& r) { r.verbatim("hi"); }) == "$2\r\nhi\r\n");
}

TEST_CASE("reply: RESP3 forms of nulls, maps, sets, pushes, booleans, doubles, verbatim") {
    auto b = [](auto f) { return reply_bytes(3, f); };
    CHECK(b([](Reply& r) { r.null(); }) == "_\r\n");
    CHECK(b([](Reply& r) { r.null_array(); }) == "_\r\n");
    CHECK(b([](Reply& r) { r.map(2); }) == "%2\r\n");
    CHECK(b([](Reply& r) { r.set(3); }) == "~3\r\n");
    CHECK(b([](Reply& r) { r.push(3); }) == ">3\r\n");
    CHECK(b([](Reply& r) { r.boolean(true); }) == "#t\r\n");
    CHECK(b([](Reply& r) { r.boolean(false); }) == "#f\r\n");
    CHECK(b([](Reply& r) { r.bulk_double(1.5); }) == ",1.5\r\n");
    CHECK(b([](Reply& r) { r.dbl(0.1); }) == ",0.10000000000000001\r\n");
    CHECK(b([](Reply& r) { r.dbl(INFINITY); }) == ",inf\r\n");
    CHECK(b([](Reply& r) { r.dbl(-INFINITY); }) == ",-inf\r\n");
    CHECK(b([](Reply& r) { r.dbl(-0.0); }) == ",-0\r\n");
    CHECK(b([](Reply& r) { r.verbatim("hello"); }) == "=9\r\ntxt:hello\r\n");
    CHECK(b([](Reply& r) { r.verbatim("x", "markdown"); }) == "=5\r\nmar:x\r\n");
    CHECK(b([](Reply& r) { r.verbatim("x", "md"); }) == "=5\r\nmd :x\r\n");
}

TEST_CASE("reply: a nested RESP3 reply is the concatenation of its parts") {
    std::string s = reply_bytes(3, [](Reply& r) {
        r.map(1);
        r.bulk("k");
        r.array(2);
        r.integer(1);
        r.null();
    });
    CHECK(s == "%1\r\n$1\r\nk\r\n*2\r\n:1\r\n_\r\n");
}

// ---------------------------------------------------------------------------------------------
// OutBuffer

TEST_CASE("outbuffer: small replies stay in the embedded block and allocate nothing") {
    OutBuffer b;
    Reply r(b, 2);
    for (int i = 0; i < 1000; i++) {
        r.ok();
    }
    CHECK(b.size() == 5000);
    CHECK(b.allocated() == 0);
    iovec v[4];
    CHECK(b.iov(v, 4) == 1);
}

TEST_CASE("outbuffer: appends cross into blocks in order; iov and consume drain them") {
    OutBuffer b;
    std::string expect;
    for (int i = 0; i < 10000; i++) {
        std::string piece = std::to_string(i) + ",";
        b.append(piece);
        expect += piece;
    }
    CHECK(b.size() == expect.size());
    CHECK(expect.size() > OutBuffer::kInlineSize + OutBuffer::kBlockSize);
    CHECK(b.allocated() >= OutBuffer::kBlockSize);
    CHECK(drain(b) == expect);
    // Consume in odd-sized steps that straddle block edges, checking the rest each time.
    size_t sent = 0;
    for (size_t step : {7, 16384, 1, 16383, 3000}) {
        b.consume(step);
        sent += step;
        CHECK(b.size() == expect.size() - sent);
        CHECK(drain(b) == expect.substr(sent));
    }
    // Appends after a partial drain still come last.
    b.append("tail");
    expect += "tail";
    CHECK(drain(b) == expect.substr(sent));
    b.consume(b.size());
    CHECK(b.empty());
    CHECK(b.allocated() == 0);
    iovec v[4];
    CHECK(b.iov(v, 4) == 0);
    b.append("again");
    CHECK(drain(b) == "again");
}

TEST_CASE("outbuffer: a large append gets one block of its own size") {
    OutBuffer b;
    b.append(std::string(100, 'a'));
    std::string big(1000000, 'b');
    b.append(big);
    // The embedded block is filled first, then the rest goes in one block.
    CHECK(b.allocated() == 100 + 1000000 - OutBuffer::kInlineSize);
    iovec v[8];
    REQUIRE(b.iov(v, 8) == 2);
    CHECK(v[0].iov_len == OutBuffer::kInlineSize);
    CHECK(v[1].iov_len == 1000100 - OutBuffer::kInlineSize);
}

TEST_CASE("outbuffer: iov respects max and returns the oldest bytes first") {
    OutBuffer b;
    b.append(std::string(OutBuffer::kInlineSize, 'i'));
    b.append(std::string(OutBuffer::kBlockSize, 'x'));
    b.append(std::string(10, 'y'));
    iovec v[1];
    REQUIRE(b.iov(v, 1) == 1);
    CHECK(v[0].iov_len == OutBuffer::kInlineSize);
    CHECK(static_cast<const char*>(v[0].iov_base)[0] == 'i');
    iovec w[8];
    CHECK(b.iov(w, 8) == 3);
}

TEST_CASE("outbuffer: reserve/commit writes in place and moves to a block when full") {
    OutBuffer b;
    b.append(std::string(OutBuffer::kInlineSize - 3, 'a'));
    char* p = b.reserve(10);
    memcpy(p, "0123456789", 10);
    b.commit(4);
    CHECK(b.size() == OutBuffer::kInlineSize + 1);
    CHECK(b.allocated() == OutBuffer::kBlockSize);
    b.append("Z");
    CHECK(drain(b).substr(OutBuffer::kInlineSize - 3) == "0123Z");
}

TEST_CASE("outbuffer: clear drops pending bytes and frees blocks") {
    OutBuffer b;
    b.append(std::string(100000, 'q'));
    CHECK(b.allocated() > 0);
    b.clear();
    CHECK(b.empty());
    CHECK(b.allocated() == 0);
    b.append("x");
    CHECK(drain(b) == "x");
}

TEST_CASE("reply: a bulk larger than a block is written whole across blocks") {
    std::string big(40000, 'v');
    big[0] = 'F';
    big.back() = 'L';
    std::string s = reply_bytes(2, [&](Reply& r) {
        r.simple("x");
        r.bulk(big);
        r.integer(7);
    });
    CHECK(s == "+x\r\n$40000\r\n" + big + "\r\n:7\r\n");
}

TEST_CASE("parser: argument storage is reused across commands (no allocation per command)") {
    std::string s;
    for (int i = 0; i < 200; i++) {
        s += "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
    }
    Parser p;
    size_t off = 0;
    REQUIRE(p.parse(s.data(), s.size(), {}) == ParseStatus::Complete);
    const std::string_view* storage = p.args().data();
    size_t capacity = p.args().capacity();
    off += p.consumed();
    while (off < s.size()) {
        REQUIRE(p.parse(s.data() + off, s.size() - off, {}) == ParseStatus::Complete);
        CHECK(p.args().data() == storage);
        CHECK(p.args().capacity() == capacity);
        off += p.consumed();
    }
}
