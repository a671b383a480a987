// String commands end to end: SET and its options, the SET* / GET* family, counters, ranges,
// and their error texts, checked byte for byte against redis 7.0.
#include <doctest/doctest.h>

#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

const Reply kNotInt = error("ERR value is not an integer or out of range");
const Reply kSyntax = error("ERR syntax error");
const Reply kWrongType = error("WRONGTYPE Operation against a key holding the wrong kind of value");

}  // namespace

TEST_CASE("set: plain SET overwrites and clears a TTL") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "k", "v1", "EX", "100"}) == ok());
    CHECK(c.cmd({"TTL", "k"}).integer > 90);
    CHECK(c.cmd({"SET", "k", "v2"}) == ok());
    CHECK(c.cmd({"GET", "k"}) == bulk("v2"));
    CHECK(c.cmd({"TTL", "k"}) == integer(-1));
}

TEST_CASE("set: EX PX EXAT PXAT set the expiry") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "a", "v", "EX", "100"}) == ok());
    CHECK(c.cmd({"TTL", "a"}).integer == 100);
    CHECK(c.cmd({"SET", "b", "v", "PX", "100000"}) == ok());
    CHECK(c.cmd({"PTTL", "b"}).integer > 99000);
    long long at = now_ms() / 1000 + 200;
    CHECK(c.cmd({"SET", "c", "v", "EXAT", std::to_string(at)}) == ok());
    CHECK(c.cmd({"EXPIRETIME", "c"}) == integer(at));
    long long pat = now_ms() + 300000;
    CHECK(c.cmd({"SET", "d", "v", "PXAT", std::to_string(pat)}) == ok());
    CHECK(c.cmd({"PEXPIRETIME", "d"}) == integer(pat));
    CHECK(c.cmd({"SET", "e", "v", "px", "100000"}) == ok());
    CHECK(c.cmd({"SET", "past", "v", "PXAT", "1"}) == ok());
    CHECK(c.cmd({"EXISTS", "past"}) == integer(0));
}

TEST_CASE("set: NX and XX only set when absent or present") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "k", "v", "XX"}) == nil());
    CHECK(c.cmd({"EXISTS", "k"}) == integer(0));
    CHECK(c.cmd({"SET", "k", "v", "NX"}) == ok());
    CHECK(c.cmd({"SET", "k", "w", "NX"}) == nil());
    CHECK(c.cmd({"GET", "k"}) == bulk("v"));
    CHECK(c.cmd({"SET", "k", "w", "XX"}) == ok());
    CHECK(c.cmd({"GET", "k"}) == bulk("w"));
}

TEST_CASE("set: KEEPTTL keeps the expiry, GET returns the old value") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "v", "EX", "100"});
    CHECK(c.cmd({"SET", "k", "v2", "KEEPTTL"}) == ok());
    CHECK(c.cmd({"TTL", "k"}).integer > 90);
    CHECK(c.cmd({"SET", "k", "v3", "GET"}) == bulk("v2"));
    CHECK(c.cmd({"TTL", "k"}) == integer(-1));
    CHECK(c.cmd({"SET", "new", "x", "GET"}) == nil());
    CHECK(c.cmd({"GET", "new"}) == bulk("x"));
    CHECK(c.cmd({"SET", "new", "y", "NX", "GET"}) == bulk("x"));
    CHECK(c.cmd({"GET", "new"}) == bulk("x"));
    CHECK(c.cmd({"SET", "other", "y", "XX", "GET"}) == nil());
    CHECK(c.cmd({"EXISTS", "other"}) == integer(0));
}

TEST_CASE("set: bad expire times, conflicting and unknown options are errors") {
    ServerProcess s;
    Conn c = s.connect();
    const Reply bad_expire = error("ERR invalid expire time in 'set' command");
    CHECK(c.cmd({"SET", "k", "v", "EX", "0"}) == bad_expire);
    CHECK(c.cmd({"SET", "k", "v", "EX", "-5"}) == bad_expire);
    CHECK(c.cmd({"SET", "k", "v", "PX", "0"}) == bad_expire);
    CHECK(c.cmd({"SET", "k", "v", "EX", "99999999999999999"}) == bad_expire);
    CHECK(c.cmd({"SET", "k", "v", "EX", "abc"}) == kNotInt);
    CHECK(c.cmd({"SET", "k", "v", "EX"}) == kSyntax);
    CHECK(c.cmd({"SET", "k", "v", "NX", "XX"}) == kSyntax);
    CHECK(c.cmd({"SET", "k", "v", "EX", "10", "PX", "100"}) == kSyntax);
    CHECK(c.cmd({"SET", "k", "v", "KEEPTTL", "EX", "10"}) == kSyntax);
    CHECK(c.cmd({"SET", "k", "v", "BOGUS"}) == kSyntax);
    CHECK(c.cmd({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("strings: SETNX only sets absent keys, SETEX/PSETEX set value and TTL, GETSET swaps") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SETNX", "k", "v"}) == integer(1));
    CHECK(c.cmd({"SETNX", "k", "w"}) == integer(0));
    CHECK(c.cmd({"SETEX", "e", "100", "v"}) == ok());
    CHECK(c.cmd({"TTL", "e"}) == integer(100));
    CHECK(c.cmd({"SETEX", "e", "0", "v"}) == error("ERR invalid expire time in 'setex' command"));
    CHECK(c.cmd({"SETEX", "e", "x", "v"}) == kNotInt);
    CHECK(c.cmd({"PSETEX", "p", "100000", "v"}) == ok());
    CHECK(c.cmd({"PTTL", "p"}).integer > 99000);
    CHECK(c.cmd({"PSETEX", "p", "-1", "v"}) ==
          error("ERR invalid expire time in 'psetex' command"));
    CHECK(c.cmd({"GETSET", "k", "new"}) == bulk("v"));
    CHECK(c.cmd({"GETSET", "absent", "x"}) == nil());
    CHECK(c.cmd({"GET", "k"}) == bulk("new"));
    CHECK(c.cmd({"GETSET", "e", "y"}) == bulk("v"));
    CHECK(c.cmd({"TTL", "e"}) == integer(-1));
}

TEST_CASE("strings: GETDEL deletes what it returns, GETEX changes or removes the TTL") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "v"});
    CHECK(c.cmd({"GETDEL", "k"}) == bulk("v"));
    CHECK(c.cmd({"EXISTS", "k"}) == integer(0));
    CHECK(c.cmd({"GETDEL", "k"}) == nil());
    c.cmd({"SET", "k", "v"});
    CHECK(c.cmd({"GETEX", "k"}) == bulk("v"));
    CHECK(c.cmd({"TTL", "k"}) == integer(-1));
    CHECK(c.cmd({"GETEX", "k", "EX", "100"}) == bulk("v"));
    CHECK(c.cmd({"TTL", "k"}) == integer(100));
    CHECK(c.cmd({"GETEX", "k", "PERSIST"}) == bulk("v"));
    CHECK(c.cmd({"TTL", "k"}) == integer(-1));
    CHECK(c.cmd({"GETEX", "k", "PX", "50000"}) == bulk("v"));
    CHECK(c.cmd({"PTTL", "k"}).integer > 49000);
    long long at = now_ms() / 1000 + 500;
    CHECK(c.cmd({"GETEX", "k", "EXAT", std::to_string(at)}) == bulk("v"));
    CHECK(c.cmd({"EXPIRETIME", "k"}) == integer(at));
    CHECK(c.cmd({"GETEX", "k", "PXAT", std::to_string(at * 1000)}) == bulk("v"));
    CHECK(c.cmd({"GETEX", "missing", "EX", "10"}) == nil());
    CHECK(c.cmd({"GETEX", "k", "EX", "0"}) == error("ERR invalid expire time in 'getex' command"));
    CHECK(c.cmd({"GETEX", "k", "PERSIST", "EX", "10"}) == kSyntax);
    CHECK(c.cmd({"GETEX", "k", "EX"}) == kSyntax);
}

TEST_CASE("strings: MSET sets all, MSETNX none if one exists, MGET has nil for missing keys") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"MSET", "a", "1", "b", "2"}) == ok());
    CHECK(c.cmd({"MGET", "a", "x", "b"}) == array({bulk("1"), nil(), bulk("2")}));
    CHECK(c.cmd({"MSET", "a", "1", "b"}) == error("ERR wrong number of arguments for 'mset' command"));
    CHECK(c.cmd({"MSETNX", "b", "3", "c", "3"}) == integer(0));
    CHECK(c.cmd({"EXISTS", "c"}) == integer(0));
    CHECK(c.cmd({"MSETNX", "c", "3", "d", "4"}) == integer(1));
    CHECK(c.cmd({"MGET", "c", "d"}) == bulks({"3", "4"}));
    CHECK(c.cmd({"MSET", "a", "x", "a", "y"}) == ok());
    CHECK(c.cmd({"GET", "a"}) == bulk("y"));
}

TEST_CASE("strings: APPEND creates or extends a value, STRLEN counts bytes") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"APPEND", "k", "hello"}) == integer(5));
    CHECK(c.cmd({"APPEND", "k", " world"}) == integer(11));
    CHECK(c.cmd({"GET", "k"}) == bulk("hello world"));
    CHECK(c.cmd({"STRLEN", "k"}) == integer(11));
    CHECK(c.cmd({"STRLEN", "missing"}) == integer(0));
    c.cmd({"SET", "n", "12"});
    CHECK(c.cmd({"APPEND", "n", "3"}) == integer(3));
    CHECK(c.cmd({"INCR", "n"}) == integer(124));
    CHECK(c.cmd({"STRLEN", "n"}) == integer(3));
}

TEST_CASE("counters: INCR family adds to integers, refuses non-integers and overflow") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"INCR", "n"}) == integer(1));
    CHECK(c.cmd({"INCRBY", "n", "10"}) == integer(11));
    CHECK(c.cmd({"DECR", "n"}) == integer(10));
    CHECK(c.cmd({"DECRBY", "n", "-5"}) == integer(15));
    CHECK(c.cmd({"DECRBY", "fresh", "3"}) == integer(-3));
    CHECK(c.cmd({"GET", "n"}) == bulk("15"));
    c.cmd({"SET", "s", "abc"});
    CHECK(c.cmd({"INCR", "s"}) == kNotInt);
    c.cmd({"SET", "sp", " 1"});
    CHECK(c.cmd({"INCR", "sp"}) == kNotInt);
    CHECK(c.cmd({"INCRBY", "n", "1.5"}) == kNotInt);
    c.cmd({"SET", "max", "9223372036854775807"});
    CHECK(c.cmd({"INCR", "max"}) == error("ERR increment or decrement would overflow"));
    c.cmd({"SET", "min", "-9223372036854775808"});
    CHECK(c.cmd({"DECR", "min"}) == error("ERR increment or decrement would overflow"));
    CHECK(c.cmd({"DECRBY", "n", "-9223372036854775808"}) ==
          error("ERR decrement would overflow"));
    CHECK(c.cmd({"INCR", "n", "x"}) == error("ERR wrong number of arguments for 'incr' command"));
}

TEST_CASE("counters: INCRBYFLOAT prints the shortest form, refuses bad floats and infinity") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"INCRBYFLOAT", "f", "10.5"}) == bulk("10.5"));
    CHECK(c.cmd({"INCRBYFLOAT", "f", "0.1"}) == bulk("10.6"));
    CHECK(c.cmd({"INCRBYFLOAT", "f", "-5"}) == bulk("5.6"));
    CHECK(c.cmd({"INCRBYFLOAT", "g", "5.0e3"}) == bulk("5000"));
    CHECK(c.cmd({"INCRBYFLOAT", "g", "-5000"}) == bulk("0"));
    c.cmd({"SET", "i", "3"});
    CHECK(c.cmd({"INCRBYFLOAT", "i", "1.5"}) == bulk("4.5"));
    CHECK(c.cmd({"INCRBYFLOAT", "i", "abc"}) == error("ERR value is not a valid float"));
    c.cmd({"SET", "s", "abc"});
    CHECK(c.cmd({"INCRBYFLOAT", "s", "1"}) == error("ERR value is not a valid float"));
    CHECK(c.cmd({"INCRBYFLOAT", "i", "inf"}) ==
          error("ERR increment would produce NaN or Infinity"));
    CHECK(c.cmd({"GET", "i"}) == bulk("4.5"));
}

TEST_CASE("strings: GETRANGE clamps offsets, SETRANGE pads with zero bytes and checks limits") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "Hello World"});
    CHECK(c.cmd({"GETRANGE", "k", "0", "4"}) == bulk("Hello"));
    CHECK(c.cmd({"GETRANGE", "k", "-5", "-1"}) == bulk("World"));
    CHECK(c.cmd({"GETRANGE", "k", "6", "1000"}) == bulk("World"));
    CHECK(c.cmd({"GETRANGE", "k", "5", "2"}) == bulk(""));
    CHECK(c.cmd({"GETRANGE", "missing", "0", "10"}) == bulk(""));
    CHECK(c.cmd({"GETRANGE", "k", "a", "2"}) == kNotInt);
    CHECK(c.cmd({"SETRANGE", "k", "6", "Redis"}) == integer(11));
    CHECK(c.cmd({"GET", "k"}) == bulk("Hello Redis"));
    CHECK(c.cmd({"SETRANGE", "pad", "3", "x"}) == integer(4));
    CHECK(c.cmd({"GET", "pad"}) == bulk(std::string("\0\0\0x", 4)));
    CHECK(c.cmd({"SETRANGE", "k", "-1", "x"}) == error("ERR offset is out of range"));
    CHECK(c.cmd({"SETRANGE", "k", "600000000", "x"}) ==
          error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
    CHECK(c.cmd({"SETRANGE", "empty", "5", ""}) == integer(0));
    CHECK(c.cmd({"EXISTS", "empty"}) == integer(0));
}

TEST_CASE("wrongtype: string commands against a list key") {
    ServerProcess s;
    Conn c = s.connect();
    if (!has_command(c, "rpush")) {
        MESSAGE("skipped: the server has no RPUSH (no list type yet)");
        return;
    }
    CHECK(c.cmd({"RPUSH", "l", "a"}) == integer(1));
    CHECK(c.cmd({"GET", "l"}) == kWrongType);
    CHECK(c.cmd({"APPEND", "l", "x"}) == kWrongType);
    CHECK(c.cmd({"INCR", "l"}) == kWrongType);
    CHECK(c.cmd({"STRLEN", "l"}) == kWrongType);
    CHECK(c.cmd({"GETRANGE", "l", "0", "1"}) == kWrongType);
    CHECK(c.cmd({"SET", "l", "v", "GET"}) == kWrongType);
    CHECK(c.cmd({"GETDEL", "l"}) == kWrongType);
    CHECK(c.cmd({"MGET", "l"}) == array({nil()}));
    CHECK(c.cmd({"SET", "l", "v"}) == ok());
    CHECK(c.cmd({"TYPE", "l"}) == status("string"));
}

TEST_CASE("strings: large values round-trip") {
    ServerProcess s;
    Conn c = s.connect();
    std::string big(5 * 1024 * 1024, 'q');
    big[12345] = '!';
    CHECK(c.cmd({"SET", "big", big}) == ok());
    CHECK(c.cmd({"GET", "big"}) == bulk(big));
    CHECK(c.cmd({"STRLEN", "big"}) == integer(static_cast<long long>(big.size())));
}
