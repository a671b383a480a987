// Sorted set commands end to end: replies and error texts (checked against redis-server
// 7.0.15), RESP3 shapes, WRONGTYPE, empty zsets deleting their key, OBJECT ENCODING at both
// listpack limits, the set operations, ZSCAN, DUMP/RESTORE/COPY, and replication (the stream,
// ZMPOP's rewrite, and a full sync that carries zsets through the RDB writer and loader).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

const Reply kSyntax = error("ERR syntax error");
const Reply kNotFloat = error("ERR value is not a valid float");
const Reply kWrongType = error("WRONGTYPE Operation against a key holding the wrong kind of value");

// ZADD key with n members "m0".."m<n-1>" scored 0..n-1, in one command.
Reply zadd_n(Conn& c, const std::string& key, int n, const std::string& prefix = "m") {
    Args a = {"ZADD", key};
    for (int i = 0; i < n; i++) {
        a.push_back(std::to_string(i));
        a.push_back(prefix + std::to_string(i));
    }
    return c.cmd(a);
}

bool link_up(Conn& c) {
    return info(c, "replication")["master_link_status"] == "up";
}
long long offset_of(Conn& c) {
    return info_int(c, "replication", "master_repl_offset");
}

}  // namespace

TEST_CASE("zsets: ZADD options, their incompatibilities and score errors") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"ZADD", "z", "1", "a", "2", "b"}) == integer(2));
    CHECK(c.cmd({"ZADD", "z", "NX", "5", "a", "3", "c"}) == integer(1));
    CHECK(c.cmd({"ZSCORE", "z", "a"}) == bulk("1"));
    CHECK(c.cmd({"ZADD", "z", "XX", "CH", "5", "a", "9", "new"}) == integer(1));
    CHECK(c.cmd({"ZSCORE", "z", "new"}) == nil());
    CHECK(c.cmd({"ZADD", "z", "GT", "CH", "4", "a", "6", "b"}) == integer(1));  // only b rises
    CHECK(c.cmd({"ZADD", "z", "LT", "CH", "1", "a"}) == integer(1));
    CHECK(c.cmd({"ZADD", "z", "INCR", "2.5", "a"}) == bulk("3.5"));
    CHECK(c.cmd({"ZADD", "z", "NX", "INCR", "1", "a"}) == nil());
    CHECK(c.cmd({"ZINCRBY", "z", "-0.5", "a"}) == bulk("3"));
    CHECK(c.cmd({"ZADD", "z", "NX", "XX", "1", "a"}) ==
          error("ERR XX and NX options at the same time are not compatible"));
    CHECK(c.cmd({"ZADD", "z", "GT", "LT", "1", "a"}) ==
          error("ERR GT, LT, and/or NX options at the same time are not compatible"));
    CHECK(c.cmd({"ZADD", "z", "INCR", "1", "a", "2", "b"}) ==
          error("ERR INCR option supports a single increment-element pair"));
    CHECK(c.cmd({"ZADD", "z", "1", "a", "2"}) == kSyntax);
    CHECK(c.cmd({"ZADD", "z", "nan", "a"}) == kNotFloat);
    CHECK(c.cmd({"ZADD", "z", "abc", "a"}) == kNotFloat);
    CHECK(c.cmd({"ZADD", "z", "1"}) == error("ERR wrong number of arguments for 'zadd' command"));
    CHECK(c.cmd({"ZADD", "inf", "inf", "x"}) == integer(1));
    CHECK(c.cmd({"ZINCRBY", "inf", "-inf", "x"}) ==
          error("ERR resulting score is not a number (NaN)"));
    CHECK(c.cmd({"ZADD", "x", "XX", "1", "a"}) == integer(0));
    CHECK(c.cmd({"EXISTS", "x"}) == integer(0));
}

TEST_CASE("zsets: scores print as Redis 7.0's %.17g") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"ZADD", "z", "0.1", "a", "1e300", "b", "-inf", "c", "3", "d"}) == integer(4));
    CHECK(
        c.cmd({"ZRANGE", "z", "0", "-1", "WITHSCORES"}) ==
        bulks({"c", "-inf", "a", "0.10000000000000001", "d", "3", "b", "1.0000000000000001e+300"}));
    CHECK(c.cmd({"ZMSCORE", "z", "a", "nope"}) == array({bulk("0.10000000000000001"), nil()}));
}

TEST_CASE("zsets: ranks, counts and ranges by rank, score and lex") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}) == integer(4));
    CHECK(c.cmd({"ZCARD", "z"}) == integer(4));
    CHECK(c.cmd({"ZRANK", "z", "c"}) == integer(2));
    CHECK(c.cmd({"ZREVRANK", "z", "c"}) == integer(1));
    CHECK(c.cmd({"ZRANK", "z", "zz"}) == nil());
    CHECK(c.cmd({"ZCOUNT", "z", "(1", "4"}) == integer(3));
    CHECK(c.cmd({"ZCOUNT", "z", "x", "1"}) == error("ERR min or max is not a float"));
    CHECK(c.cmd({"ZRANGE", "z", "-2", "100"}) == bulks({"c", "d"}));
    CHECK(c.cmd({"ZRANGE", "z", "1", "2", "REV", "WITHSCORES"}) == bulks({"c", "3", "b", "2"}));
    CHECK(c.cmd({"ZRANGE", "z", "(1", "3", "BYSCORE"}) == bulks({"b", "c"}));
    CHECK(c.cmd({"ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2"}) ==
          bulks({"c", "b"}));
    CHECK(c.cmd({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2"}) == bulks({}));
    CHECK(c.cmd({"ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "-1"}) ==
          bulks({"b", "c", "d"}));
    CHECK(c.cmd({"ZREVRANGEBYSCORE", "z", "(4", "(1"}) == bulks({"c", "b"}));
    CHECK(c.cmd({"ZREVRANGE", "z", "0", "0"}) == bulks({"d"}));
    CHECK(c.cmd({"ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"}) ==
          error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
                "BYLEX"));
    CHECK(c.cmd({"ZRANGE", "z", "a", "b", "BYLEX", "WITHSCORES"}) ==
          error("ERR syntax error, WITHSCORES not supported in combination with BYLEX"));
    CHECK(c.cmd({"ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e"}) == integer(5));
    CHECK(c.cmd({"ZRANGEBYLEX", "l", "[b", "(d"}) == bulks({"b", "c"}));
    CHECK(c.cmd({"ZREVRANGEBYLEX", "l", "(d", "[b"}) == bulks({"c", "b"}));
    CHECK(c.cmd({"ZRANGEBYLEX", "l", "-", "+", "LIMIT", "1", "2"}) == bulks({"b", "c"}));
    CHECK(c.cmd({"ZLEXCOUNT", "l", "-", "+"}) == integer(5));
    CHECK(c.cmd({"ZLEXCOUNT", "l", "x", "y"}) ==
          error("ERR min or max not valid string range item"));
    CHECK(c.cmd({"ZRANGE", "missing", "0", "-1"}) == bulks({}));
}

TEST_CASE("zsets: removals by member and by range; an emptied zset deletes its key") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(zadd_n(c, "z", 10) == integer(10));
    CHECK(c.cmd({"ZREM", "z", "m0", "m1", "nope"}) == integer(2));
    CHECK(c.cmd({"ZREMRANGEBYRANK", "z", "0", "1"}) == integer(2));    // m2 m3
    CHECK(c.cmd({"ZREMRANGEBYSCORE", "z", "(4", "6"}) == integer(2));  // m5 m6
    CHECK(c.cmd({"ZRANGE", "z", "0", "-1"}) == bulks({"m4", "m7", "m8", "m9"}));
    CHECK(c.cmd({"ZREMRANGEBYRANK", "z", "x", "1"}) ==
          error("ERR value is not an integer or out of range"));
    CHECK(c.cmd({"ZREMRANGEBYSCORE", "z", "-inf", "+inf"}) == integer(4));
    CHECK(c.cmd({"EXISTS", "z"}) == integer(0));
    CHECK(c.cmd({"ZADD", "l", "0", "a", "0", "b"}) == integer(2));
    CHECK(c.cmd({"ZREMRANGEBYLEX", "l", "-", "+"}) == integer(2));
    CHECK(c.cmd({"EXISTS", "l"}) == integer(0));
    CHECK(c.cmd({"ZADD", "p", "1", "a"}) == integer(1));
    CHECK(c.cmd({"ZPOPMIN", "p"}) == bulks({"a", "1"}));
    CHECK(c.cmd({"EXISTS", "p"}) == integer(0));
    CHECK(c.cmd({"ZADD", "q", "1", "a"}) == integer(1));
    CHECK(c.cmd({"ZREM", "q", "a"}) == integer(1));
    CHECK(c.cmd({"EXISTS", "q"}) == integer(0));
}

TEST_CASE("zsets: ZPOPMIN ZPOPMAX ZMPOP replies and errors") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"}) == integer(4));
    CHECK(c.cmd({"ZPOPMIN", "z", "2"}) == bulks({"a", "1", "b", "2"}));
    CHECK(c.cmd({"ZPOPMAX", "z"}) == bulks({"d", "4"}));
    CHECK(c.cmd({"ZPOPMIN", "z", "-1"}) == error("ERR value is out of range, must be positive"));
    CHECK(c.cmd({"ZPOPMIN", "z", "0"}) == bulks({}));
    CHECK(c.cmd({"ZPOPMIN", "nokey"}) == bulks({}));
    CHECK(c.cmd({"ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "5"}) ==
          array({bulk("z"), array({bulks({"c", "3"})})}));
    CHECK(c.cmd({"ZMPOP", "1", "z", "MIN"}).type == Reply::Type::Nil);
    CHECK(c.cmd({"ZMPOP", "0", "z", "MIN"}) == error("ERR numkeys should be greater than 0"));
    CHECK(c.cmd({"ZMPOP", "1", "z", "MIN", "COUNT", "0"}) ==
          error("ERR count should be greater than 0"));
    CHECK(c.cmd({"ZMPOP", "1", "z", "foo"}) == kSyntax);
}

TEST_CASE("zsets: RESP3 doubles and nested WITHSCORES pairs") {
    ServerProcess s;
    RawConn r = s.raw();
    r.raw("*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n");
    CHECK(r.raw("*8\r\n$4\r\nZADD\r\n$1\r\nq\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nb\r\n"
                "$1\r\n3\r\n$1\r\nc\r\n") == ":3\r\n");
    CHECK(r.raw("*3\r\n$6\r\nZSCORE\r\n$1\r\nq\r\n$1\r\na\r\n") == ",1\r\n");
    CHECK(r.raw("*5\r\n$6\r\nZRANGE\r\n$1\r\nq\r\n$1\r\n0\r\n$1\r\n1\r\n$10\r\nWITHSCORES\r\n") ==
          "*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
    CHECK(r.raw("*2\r\n$7\r\nZPOPMIN\r\n$1\r\nq\r\n") == "*2\r\n$1\r\na\r\n,1\r\n");
    CHECK(r.raw("*3\r\n$7\r\nZPOPMIN\r\n$1\r\nq\r\n$1\r\n1\r\n") ==
          "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n");
    CHECK(r.raw("*4\r\n$7\r\nZMSCORE\r\n$1\r\nq\r\n$1\r\nc\r\n$1\r\nz\r\n") == "*2\r\n,3\r\n_\r\n");
    CHECK(r.raw("*3\r\n$6\r\nZSCORE\r\n$1\r\nq\r\n$1\r\nz\r\n") == "_\r\n");
    CHECK(r.raw("*4\r\n$5\r\nZMPOP\r\n$1\r\n1\r\n$1\r\nq\r\n$3\r\nMIN\r\n") ==
          "*2\r\n$1\r\nq\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n");
    CHECK(r.raw("*4\r\n$5\r\nZMPOP\r\n$1\r\n1\r\n$1\r\nq\r\n$3\r\nMIN\r\n") == "_\r\n");
}

TEST_CASE("zsets: WRONGTYPE from every family member") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "str", "x"}) == ok());
    for (const Args& a : std::vector<Args>{{"ZADD", "str", "1", "a"},
                                           {"ZINCRBY", "str", "1", "a"},
                                           {"ZREM", "str", "a"},
                                           {"ZCARD", "str"},
                                           {"ZSCORE", "str", "a"},
                                           {"ZMSCORE", "str", "a"},
                                           {"ZRANK", "str", "a"},
                                           {"ZCOUNT", "str", "0", "1"},
                                           {"ZLEXCOUNT", "str", "-", "+"},
                                           {"ZRANGE", "str", "0", "1"},
                                           {"ZRANGESTORE", "d", "str", "0", "1"},
                                           {"ZPOPMIN", "str"},
                                           {"ZMPOP", "1", "str", "MIN"},
                                           {"ZRANDMEMBER", "str"},
                                           {"ZREMRANGEBYRANK", "str", "0", "1"},
                                           {"ZUNION", "1", "str"},
                                           {"ZINTERSTORE", "d", "1", "str"},
                                           {"ZINTERCARD", "1", "str"},
                                           {"ZSCAN", "str", "0"}}) {
        CHECK_MESSAGE(c.cmd(a) == kWrongType, a[0]);
    }
    CHECK(c.cmd({"ZADD", "z", "1", "a"}) == integer(1));
    CHECK(c.cmd({"GET", "z"}) == kWrongType);
    // Redis checks the input keys before the options that follow them.
    CHECK(c.cmd({"ZUNION", "2", "z", "str", "WEIGHTS", "x", "y"}) == kWrongType);
    CHECK(c.cmd({"ZUNIONSTORE", "d", "2", "z", "str", "AGGREGATE", "foo"}) == kWrongType);
    CHECK(c.cmd({"ZINTERCARD", "1", "str", "LIMIT", "-1"}) == kWrongType);
    CHECK(c.cmd({"ZUNION", "1", "z", "WEIGHTS", "x"}) == error("ERR weight value is not a float"));
    CHECK(c.cmd({"TYPE", "z"}) == status("zset"));
}

TEST_CASE("zsets: OBJECT ENCODING switches to skiplist past either listpack limit") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(zadd_n(c, "at", 128) == integer(128));
    CHECK(c.cmd({"OBJECT", "ENCODING", "at"}) == bulk("listpack"));
    CHECK(c.cmd({"ZADD", "at", "1000", "one-more"}) == integer(1));
    CHECK(c.cmd({"OBJECT", "ENCODING", "at"}) == bulk("skiplist"));
    CHECK(c.cmd({"ZREMRANGEBYRANK", "at", "0", "-3"}) == integer(127));
    CHECK(c.cmd({"OBJECT", "ENCODING", "at"}) == bulk("skiplist"));  // one way, as Redis
    CHECK(c.cmd({"ZADD", "v", "1", std::string(64, 'x')}) == integer(1));
    CHECK(c.cmd({"OBJECT", "ENCODING", "v"}) == bulk("listpack"));
    CHECK(c.cmd({"ZADD", "v", "1", std::string(65, 'y')}) == integer(1));
    CHECK(c.cmd({"OBJECT", "ENCODING", "v"}) == bulk("skiplist"));
    CHECK(c.cmd({"CONFIG", "SET", "zset-max-listpack-entries", "4"}) == ok());
    CHECK(zadd_n(c, "five", 5) == integer(5));
    CHECK(c.cmd({"OBJECT", "ENCODING", "five"}) == bulk("skiplist"));
    // A store whose result fits is listpack again.
    CHECK(c.cmd({"ZRANGESTORE", "small", "five", "0", "2"}) == integer(3));
    CHECK(c.cmd({"OBJECT", "ENCODING", "small"}) == bulk("listpack"));
    CHECK(c.cmd({"ZRANGE", "small", "0", "-1", "WITHSCORES"}) ==
          bulks({"m0", "0", "m1", "1", "m2", "2"}));
}

TEST_CASE("zsets: ZUNION ZINTER ZDIFF, their STORE forms, weights and aggregates") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"ZADD", "s1", "1", "a", "2", "b", "3", "c"}) == integer(3));
    CHECK(c.cmd({"ZADD", "s2", "10", "b", "20", "c", "30", "d"}) == integer(3));
    CHECK(c.cmd({"ZUNION", "2", "s1", "s2", "WITHSCORES"}) ==
          bulks({"a", "1", "b", "12", "c", "23", "d", "30"}));
    CHECK(c.cmd({"ZINTER", "2", "s1", "s2", "WEIGHTS", "2", "3", "AGGREGATE", "MAX",
                 "WITHSCORES"}) == bulks({"b", "30", "c", "60"}));
    CHECK(c.cmd({"ZDIFF", "2", "s1", "s2", "WITHSCORES"}) == bulks({"a", "1"}));
    CHECK(c.cmd({"ZUNIONSTORE", "out", "2", "s1", "s2", "AGGREGATE", "MIN"}) == integer(4));
    CHECK(c.cmd({"ZRANGE", "out", "0", "-1", "WITHSCORES"}) ==
          bulks({"a", "1", "b", "2", "c", "3", "d", "30"}));
    CHECK(c.cmd({"ZINTERSTORE", "out", "2", "s1", "nokey"}) == integer(0));
    CHECK(c.cmd({"EXISTS", "out"}) == integer(0));
    CHECK(c.cmd({"ZDIFFSTORE", "out", "2", "s2", "s1"}) == integer(1));
    CHECK(c.cmd({"ZRANGE", "out", "0", "-1", "WITHSCORES"}) == bulks({"d", "30"}));
    CHECK(c.cmd({"ZINTERCARD", "2", "s1", "s2"}) == integer(2));
    CHECK(c.cmd({"ZINTERCARD", "2", "s1", "s2", "LIMIT", "1"}) == integer(1));
    CHECK(c.cmd({"ZINTERCARD", "1", "s1", "LIMIT", "-1"}) == error("ERR LIMIT can't be negative"));
    CHECK(c.cmd({"ZUNIONSTORE", "d", "0", "s1"}) ==
          error("ERR at least 1 input key is needed for 'zunionstore' command"));
    CHECK(c.cmd({"ZUNIONSTORE", "d", "1", "s1", "WEIGHTS", "x"}) ==
          error("ERR weight value is not a float"));
    CHECK(c.cmd({"ZUNIONSTORE", "d", "2", "s1"}) == kSyntax);
    CHECK(c.cmd({"ZUNION", "1", "s1", "AGGREGATE", "foo"}) == kSyntax);
    CHECK(c.cmd({"ZUNIONSTORE", "d", "1", "s1", "WITHSCORES"}) == kSyntax);
    CHECK(c.cmd({"SET", "keep", "x", "EX", "100"}) == ok());
    CHECK(c.cmd({"ZUNIONSTORE", "keep", "1", "s1"}) == integer(3));
    CHECK(c.cmd({"TTL", "keep"}) == integer(-1));
    CHECK(c.cmd({"TYPE", "keep"}) == status("zset"));
}

TEST_CASE("zsets: ZRANDMEMBER counts, repetition and WITHSCORES") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c"}) == integer(3));
    Reply one = c.cmd({"ZRANDMEMBER", "z"});
    CHECK((one == bulk("a") || one == bulk("b") || one == bulk("c")));
    CHECK(c.cmd({"ZRANDMEMBER", "z", "5"}) == bulks({"a", "b", "c"}));
    CHECK(c.cmd({"ZRANDMEMBER", "z", "-7"}).elements.size() == 7);
    Reply two = c.cmd({"ZRANDMEMBER", "z", "2", "WITHSCORES"});
    REQUIRE(two.elements.size() == 4);
    CHECK(two.elements[0].str != two.elements[2].str);
    CHECK(c.cmd({"ZRANDMEMBER", "z", "x"}) == error("ERR value is not an integer or out of range"));
    CHECK(c.cmd({"ZRANDMEMBER", "nokey"}) == nil());
    CHECK(c.cmd({"ZRANDMEMBER", "nokey", "2"}) == bulks({}));
}

TEST_CASE("zsets: ZSCAN visits every member of a large zset once, MATCH filters") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(zadd_n(c, "big", 5000) == integer(5000));
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        Reply r = c.cmd({"ZSCAN", "big", cursor, "COUNT", "100"});
        REQUIRE(r.elements.size() == 2);
        cursor = r.elements[0].str;
        const auto& items = r.elements[1].elements;
        REQUIRE(items.size() % 2 == 0);
        for (size_t i = 0; i < items.size(); i += 2) {
            seen.insert(items[i].str);
            CHECK(items[i + 1].str == items[i].str.substr(1));  // m<i> scored i
        }
    } while (cursor != "0" && ++calls < 10000);
    CHECK(seen.size() == 5000);
    CHECK(c.cmd({"ZADD", "small", "1.5", "ab", "2", "b"}) == integer(2));
    CHECK(c.cmd({"ZSCAN", "small", "0", "MATCH", "a*"}) ==
          array({bulk("0"), bulks({"ab", "1.5"})}));
    CHECK(c.cmd({"ZSCAN", "small", "0", "COUNT", "0"}) == kSyntax);
    CHECK(c.cmd({"ZSCAN", "nokey", "0"}) == array({bulk("0"), bulks({})}));
}

TEST_CASE("zsets: DUMP/RESTORE and COPY keep members and scores, both encodings") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(zadd_n(c, "small", 10) == integer(10));
    CHECK(zadd_n(c, "big", 1000) == integer(1000));
    for (std::string k : {"small", "big"}) {
        Reply d = c.cmd({"DUMP", k});
        REQUIRE(d.type == Reply::Type::Str);
        CHECK(c.cmd({"RESTORE", k + "2", "0", d.str}) == ok());
        CHECK(c.cmd({"ZRANGE", k, "0", "-1", "WITHSCORES"}) ==
              c.cmd({"ZRANGE", k + "2", "0", "-1", "WITHSCORES"}));
        CHECK(c.cmd({"OBJECT", "ENCODING", k + "2"}) == c.cmd({"OBJECT", "ENCODING", k}));
        CHECK(c.cmd({"COPY", k, k + "3"}) == integer(1));
        CHECK(c.cmd({"ZADD", k, "-1", "extra"}) == integer(1));
        CHECK(c.cmd({"ZCARD", k + "3"}).integer + 1 == c.cmd({"ZCARD", k}).integer);
    }
}

TEST_CASE("zsets: a replica converges through the stream and a full sync") {
    ServerProcess master;
    Conn m = master.connect();
    // Before the replica exists: reaches it by the full sync's RDB.
    CHECK(zadd_n(m, "pre-big", 2000) == integer(2000));
    CHECK(m.cmd({"ZADD", "pre-small", "0.1", "a", "-inf", "b"}) == integer(2));
    ServerProcess replica(Args{"--replicaof", "127.0.0.1 " + std::to_string(master.port())});
    Conn r = replica.connect();
    REQUIRE(wait_until([&] { return link_up(r); }, 10000ms));
    // Through the stream.
    CHECK(zadd_n(m, "z", 300) == integer(300));
    CHECK(m.cmd({"ZADD", "z", "INCR", "5", "m1"}) == bulk("6"));
    CHECK(m.cmd({"ZREM", "z", "m2", "m3"}) == integer(2));
    CHECK(m.cmd({"ZMPOP", "1", "z", "MAX", "COUNT", "3"}).elements.size() == 2);
    CHECK(m.cmd({"ZPOPMIN", "z"}).elements.size() == 2);
    CHECK(m.cmd({"ZREMRANGEBYSCORE", "z", "10", "20"}) == integer(11));
    CHECK(m.cmd({"ZUNIONSTORE", "u", "2", "z", "pre-small", "WEIGHTS", "2", "1"}) == integer(285));
    CHECK(m.cmd({"ZRANGESTORE", "rs", "z", "0", "9"}) == integer(10));
    CHECK(m.cmd({"ZADD", "gone", "1", "x"}) == integer(1));
    CHECK(m.cmd({"ZPOPMIN", "gone"}).elements.size() == 2);
    REQUIRE(wait_until([&] { return offset_of(r) == offset_of(m); }, 10000ms));
    for (std::string k : {"pre-big", "pre-small", "z", "u", "rs"}) {
        CHECK_MESSAGE(r.cmd({"ZRANGE", k, "0", "-1", "WITHSCORES"}) ==
                          m.cmd({"ZRANGE", k, "0", "-1", "WITHSCORES"}),
                      k);
        CHECK(r.cmd({"OBJECT", "ENCODING", k}) == m.cmd({"OBJECT", "ENCODING", k}));
    }
    CHECK(r.cmd({"EXISTS", "gone"}) == integer(0));
}

TEST_CASE("zsets: -0 scores and union order as redis-server 7.0.15 (listpack 0, skiplist -0)") {
    ServerProcess s;
    Conn c = s.connect();
    // A listpack stores its scores as text: -0 reads back as 0.
    CHECK(c.cmd({"ZADD", "lp", "-0", "m"}) == integer(1));
    CHECK(c.cmd({"ZSCORE", "lp", "m"}) == bulk("0"));
    CHECK(c.cmd({"ZINCRBY", "lp2", "-0", "m"}) == bulk("-0"));  // the reply is the sum itself
    CHECK(c.cmd({"ZSCORE", "lp2", "m"}) == bulk("0"));
    // ZUNION replies from Redis' skiplist result; the STORE form is a listpack when it fits.
    CHECK(c.cmd({"ZUNION", "1", "lp", "WEIGHTS", "-1", "WITHSCORES"}) == bulks({"m", "-0"}));
    CHECK(c.cmd({"ZUNIONSTORE", "one", "1", "lp", "WEIGHTS", "-1"}) == integer(1));
    CHECK(c.cmd({"ZSCORE", "one", "m"}) == bulk("0"));
    // A result too big for a listpack keeps -0, including the elements added while it was small.
    CHECK(c.cmd({"CONFIG", "SET", "zset-max-listpack-entries", "2"}) == status("OK"));
    CHECK(c.cmd({"ZADD", "a", "0", "x", "0", "y"}) == integer(2));
    CHECK(c.cmd({"ZADD", "b", "0", "z"}) == integer(1));
    CHECK(c.cmd({"ZUNIONSTORE", "big", "2", "a", "b", "WEIGHTS", "-1", "-1"}) == integer(3));
    CHECK(c.cmd({"OBJECT", "ENCODING", "big"}) == bulk("skiplist"));
    CHECK(c.cmd({"ZRANGE", "big", "0", "-1", "WITHSCORES"}) ==
          bulks({"x", "-0", "y", "-0", "z", "-0"}));
    // Inputs are accumulated smallest first: MIN(-0, 0) keeps the first, and a float sum's
    // rounding follows that order (0.1 + 0.3 + 0.2, not 0.2 + 0.3 + 0.1).
    CHECK(c.cmd({"ZADD", "three", "0", "x", "1", "y", "2", "w"}) == integer(3));
    CHECK(c.cmd({"ZUNION", "2", "three", "a", "WEIGHTS", "1", "-1", "AGGREGATE", "MIN",
                 "WITHSCORES"}) == bulks({"x", "-0", "y", "-0", "w", "2"}));
    CHECK(c.cmd({"ZADD", "s1", "0.1", "x"}) == integer(1));
    CHECK(c.cmd({"ZADD", "s2", "0.2", "x", "1", "y", "2", "z"}) == integer(3));
    CHECK(c.cmd({"ZADD", "s3", "0.3", "x", "5", "y"}) == integer(2));
    CHECK(c.cmd({"ZUNIONSTORE", "sum", "3", "s2", "s3", "s1"}) == integer(3));
    CHECK(c.cmd({"ZSCORE", "sum", "x"}) == bulk("0.60000000000000009"));
}
