// Set commands end to end: every command's replies and errors (byte for byte redis-server
// 7.0.15's, RESP2 and RESP3), WRONGTYPE, emptied sets deleting their key, OBJECT ENCODING
// across the conversions (Redis 7.2's listpack stage), DUMP/RESTORE, COPY, and replication to
// a replica including SPOP's rewritten propagation.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

const Reply kNotInt = error("ERR value is not an integer or out of range");
const Reply kSyntax = error("ERR syntax error");
const Reply kWrongType = error("WRONGTYPE Operation against a key holding the wrong kind of value");

// The members of an array / set reply, sorted.
std::vector<std::string> sorted(const Reply& r) {
    std::vector<std::string> out;
    for (const Reply& e : r.elements)
        out.push_back(e.str);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> smembers(Conn& c, const std::string& key) {
    return sorted(c.cmd({"SMEMBERS", key}));
}

Reply encoding(Conn& c, const std::string& key) {
    return c.cmd({"OBJECT", "ENCODING", key});
}

bool link_up(Conn& c) {
    return info(c, "replication")["master_link_status"] == "up";
}

bool caught_up(Conn& m, Conn& r) {
    return link_up(r) && info_int(r, "replication", "master_repl_offset") ==
                             info_int(m, "replication", "master_repl_offset");
}

}  // namespace

TEST_CASE("sets: SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SADD", "s", "a", "b", "a"}) == integer(2));
    CHECK(c.cmd({"SADD", "s", "b"}) == integer(0));
    CHECK(c.cmd({"SCARD", "s"}) == integer(2));
    CHECK(c.cmd({"SCARD", "nokey"}) == integer(0));
    CHECK(c.cmd({"SISMEMBER", "s", "a"}) == integer(1));
    CHECK(c.cmd({"SISMEMBER", "s", "z"}) == integer(0));
    CHECK(c.cmd({"SISMEMBER", "nokey", "z"}) == integer(0));
    CHECK(c.cmd({"SMISMEMBER", "s", "a", "z", "b"}) == array({integer(1), integer(0), integer(1)}));
    CHECK(c.cmd({"SMISMEMBER", "nokey", "a"}) == array({integer(0)}));
    CHECK(smembers(c, "s") == std::vector<std::string>{"a", "b"});
    CHECK(c.cmd({"SMEMBERS", "nokey"}) == array({}));
    CHECK(c.cmd({"SREM", "s", "a", "z"}) == integer(1));
    CHECK(c.cmd({"SREM", "nokey", "a"}) == integer(0));
    CHECK(c.cmd({"SREM", "s", "b"}) == integer(1));
    CHECK(c.cmd({"EXISTS", "s"}) == integer(0));  // emptied: the key is gone
    CHECK(c.cmd({"SADD", "s"}) == error("ERR wrong number of arguments for 'sadd' command"));
    CHECK(c.cmd({"SMISMEMBER", "s"}) ==
          error("ERR wrong number of arguments for 'smismember' command"));
}

TEST_CASE("sets: every command answers WRONGTYPE on a string") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "str", "x"}) == ok());
    CHECK(c.cmd({"SADD", "ok", "1"}) == integer(1));
    const std::vector<Args> cmds = {
        {"SADD", "str", "a"},
        {"SREM", "str", "a"},
        {"SCARD", "str"},
        {"SISMEMBER", "str", "a"},
        {"SMISMEMBER", "str", "a"},
        {"SMEMBERS", "str"},
        {"SRANDMEMBER", "str"},
        {"SRANDMEMBER", "str", "2"},
        {"SPOP", "str"},
        {"SPOP", "str", "0"},
        {"SMOVE", "str", "ok", "a"},
        {"SMOVE", "ok", "str", "1"},
        {"SINTER", "nokey", "str"},
        {"SINTERCARD", "2", "nokey", "str"},
        {"SINTERSTORE", "d", "str"},
        {"SUNION", "ok", "str"},
        {"SUNIONSTORE", "d", "str"},
        {"SDIFF", "ok", "str"},
        {"SDIFFSTORE", "d", "str"},
        {"SSCAN", "str", "0"},
    };
    for (const Args& a : cmds) {
        CAPTURE(a[0]);
        CHECK(c.cmd(a) == kWrongType);
    }
    CHECK(c.cmd({"SISMEMBER", "ok", "1"}) == integer(1));  // SMOVE to a string moved nothing
}

TEST_CASE("sets: OBJECT ENCODING follows intset -> listpack -> hashtable, one way") {
    ServerProcess s({"--set-max-intset-entries", "4", "--set-max-listpack-entries", "6",
                     "--set-max-listpack-value", "8"});
    Conn c = s.connect();
    CHECK(c.cmd({"SADD", "i", "1", "2", "3", "4"}) == integer(4));
    CHECK(encoding(c, "i") == bulk("intset"));
    CHECK(c.cmd({"SADD", "i", "5"}) == integer(1));
    CHECK(encoding(c, "i") == bulk("hashtable"));
    CHECK(c.cmd({"SADD", "w", "1", "70000", "-5000000"}) == integer(3));
    CHECK(encoding(c, "w") == bulk("intset"));
    CHECK(c.cmd({"SADD", "w", "x"}) == integer(1));
    CHECK(encoding(c, "w") == bulk("listpack"));
    CHECK(c.cmd({"SADD", "w", "123456789"}) == integer(1));  // longer than 8 bytes
    CHECK(encoding(c, "w") == bulk("hashtable"));
    CHECK(c.cmd({"SREM", "w", "123456789", "x", "1"}) == integer(3));
    CHECK(encoding(c, "w") == bulk("hashtable"));
    CHECK(c.cmd({"SADD", "l", "a", "b", "c", "d", "e", "f"}) == integer(6));
    CHECK(encoding(c, "l") == bulk("listpack"));
    CHECK(c.cmd({"SADD", "l", "g"}) == integer(1));
    CHECK(encoding(c, "l") == bulk("hashtable"));
    CHECK(c.cmd({"SADD", "big", "a", "b", "c", "d", "e", "f", "g"}) == integer(7));
    CHECK(encoding(c, "big") == bulk("hashtable"));  // 7.2's size hint
    CHECK(c.cmd({"CONFIG", "SET", "set-max-intset-entries", "512"}) == ok());
    CHECK(c.cmd({"SADD", "i2", "1", "2", "3", "4", "5"}) == integer(5));
    CHECK(encoding(c, "i2") == bulk("intset"));
    // An intset whose widest value is longer than set-max-listpack-value skips the listpack.
    CHECK(c.cmd({"SADD", "wide", "1", "-5000000000"}) == integer(2));
    CHECK(c.cmd({"SADD", "wide", "x"}) == integer(1));
    CHECK(encoding(c, "wide") == bulk("hashtable"));
    CHECK(c.cmd({"TYPE", "i2"}) == status("set"));
}

TEST_CASE("sets: SRANDMEMBER and SPOP replies, counts and errors") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SADD", "s", "1", "2", "3"}) == integer(3));
    Reply one = c.cmd({"SRANDMEMBER", "s"});
    CHECK((one.str == "1" || one.str == "2" || one.str == "3"));
    CHECK(c.cmd({"SRANDMEMBER", "nokey"}) == nil());
    CHECK(sorted(c.cmd({"SRANDMEMBER", "s", "10"})) == std::vector<std::string>{"1", "2", "3"});
    CHECK(c.cmd({"SRANDMEMBER", "s", "2"}).elements.size() == 2);
    Reply rep = c.cmd({"SRANDMEMBER", "s", "-7"});
    CHECK(rep.elements.size() == 7);
    CHECK(c.cmd({"SRANDMEMBER", "s", "0"}) == array({}));
    CHECK(c.cmd({"SRANDMEMBER", "nokey", "3"}) == array({}));
    CHECK(c.cmd({"SRANDMEMBER", "s", "x"}) == kNotInt);
    CHECK(c.cmd({"SRANDMEMBER", "s", "-9223372036854775808"}) ==
          error("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
    CHECK(c.cmd({"SRANDMEMBER", "s", "1", "2"}) == kSyntax);
    CHECK(c.cmd({"SPOP", "s", "-1"}) == error("ERR value is out of range, must be positive"));
    CHECK(c.cmd({"SPOP", "s", "x"}) == kNotInt);
    CHECK(c.cmd({"SPOP", "s", "1", "2"}) == kSyntax);
    CHECK(c.cmd({"SPOP", "nokey"}) == nil());
    CHECK(c.cmd({"SPOP", "nokey", "2"}) == array({}));
    CHECK(c.cmd({"SPOP", "s", "0"}) == array({}));
    Reply popped = c.cmd({"SPOP", "s"});
    CHECK(c.cmd({"SISMEMBER", "s", popped.str}) == integer(0));
    CHECK(c.cmd({"SPOP", "s", "5"}).elements.size() == 2);
    CHECK(c.cmd({"EXISTS", "s"}) == integer(0));
}

TEST_CASE("sets: RESP3 replies are sets where Redis 7.0 sends sets") {
    ServerProcess s;
    RawConn r = s.raw();
    r.call("HELLO 3\r\n");
    CHECK(r.raw("SADD s 1\r\n") == ":1\r\n");
    CHECK(r.raw("SMEMBERS s\r\n") == "~1\r\n$1\r\n1\r\n");
    CHECK(r.raw("SMEMBERS nokey\r\n") == "~0\r\n");
    CHECK(r.raw("SINTER s\r\n") == "~1\r\n$1\r\n1\r\n");
    CHECK(r.raw("SUNION nokey\r\n") == "~0\r\n");
    CHECK(r.raw("SDIFF s nokey\r\n") == "~1\r\n$1\r\n1\r\n");
    CHECK(r.raw("SRANDMEMBER s 5\r\n") == "*1\r\n$1\r\n1\r\n");
    CHECK(r.raw("SPOP nokey 3\r\n") == "~0\r\n");
    CHECK(r.raw("SSCAN s 0\r\n") == "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n1\r\n");
    CHECK(r.raw("SPOP s 3\r\n") == "~1\r\n$1\r\n1\r\n");
    CHECK(r.raw("SRANDMEMBER nokey\r\n") == "_\r\n");
}

TEST_CASE("sets: SMOVE") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SADD", "a", "x", "y"}) == integer(2));
    CHECK(c.cmd({"SMOVE", "a", "b", "x"}) == integer(1));
    CHECK(smembers(c, "b") == std::vector<std::string>{"x"});
    CHECK(c.cmd({"SMOVE", "a", "b", "x"}) == integer(0));
    CHECK(c.cmd({"SMOVE", "nokey", "b", "x"}) == integer(0));
    CHECK(c.cmd({"SMOVE", "a", "a", "y"}) == integer(1));
    CHECK(c.cmd({"SMOVE", "a", "a", "z"}) == integer(0));
    CHECK(c.cmd({"SMOVE", "a", "b", "y"}) == integer(1));
    CHECK(c.cmd({"EXISTS", "a"}) == integer(0));
    CHECK(smembers(c, "b") == std::vector<std::string>{"x", "y"});
    CHECK(c.cmd({"SMOVE", "b", "c", "7"}) == integer(0));
}

TEST_CASE("sets: SINTER SUNION SDIFF, SINTERCARD and its errors") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SADD", "a", "1", "2", "3", "x"}) == integer(4));
    CHECK(c.cmd({"SADD", "b", "2", "3", "4"}) == integer(3));
    CHECK(sorted(c.cmd({"SINTER", "a", "b"})) == std::vector<std::string>{"2", "3"});
    CHECK(c.cmd({"SINTER", "a", "nokey"}) == array({}));
    CHECK(sorted(c.cmd({"SUNION", "a", "b", "nokey"})) ==
          std::vector<std::string>{"1", "2", "3", "4", "x"});
    CHECK(sorted(c.cmd({"SDIFF", "a", "b"})) == std::vector<std::string>{"1", "x"});
    CHECK(c.cmd({"SDIFF", "nokey", "a"}) == array({}));
    CHECK(c.cmd({"SINTERCARD", "2", "a", "b"}) == integer(2));
    CHECK(c.cmd({"SINTERCARD", "2", "a", "b", "LIMIT", "1"}) == integer(1));
    CHECK(c.cmd({"SINTERCARD", "2", "a", "b", "limit", "0"}) == integer(2));
    CHECK(c.cmd({"SINTERCARD", "1", "nokey"}) == integer(0));
    CHECK(c.cmd({"SINTERCARD", "0", "a"}) == error("ERR numkeys should be greater than 0"));
    CHECK(c.cmd({"SINTERCARD", "x", "a"}) == error("ERR numkeys should be greater than 0"));
    CHECK(c.cmd({"SINTERCARD", "3", "a", "b"}) ==
          error("ERR Number of keys can't be greater than number of args"));
    CHECK(c.cmd({"SINTERCARD", "1", "a", "LIMIT", "-1"}) == error("ERR LIMIT can't be negative"));
    CHECK(c.cmd({"SINTERCARD", "1", "a", "LIMIT", "x"}) == error("ERR LIMIT can't be negative"));
    CHECK(c.cmd({"SINTERCARD", "1", "a", "LIMIT"}) == kSyntax);
    CHECK(c.cmd({"SINTERCARD", "1", "a", "foo"}) == kSyntax);
    CHECK(c.cmd({"COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"}) ==
          bulks({"a", "b"}));
}

TEST_CASE("sets: *STORE replaces any type, drops the TTL, deletes on an empty result") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SADD", "a", "1", "2", "3"}) == integer(3));
    CHECK(c.cmd({"SADD", "b", "3", "x"}) == integer(2));
    CHECK(c.cmd({"SET", "d", "str", "EX", "100"}) == ok());
    CHECK(c.cmd({"SUNIONSTORE", "d", "a", "b"}) == integer(4));
    CHECK(c.cmd({"TTL", "d"}) == integer(-1));
    CHECK(c.cmd({"TYPE", "d"}) == status("set"));
    CHECK(encoding(c, "d") == bulk("listpack"));
    CHECK(c.cmd({"SINTERSTORE", "d", "a", "b"}) == integer(1));
    CHECK(smembers(c, "d") == std::vector<std::string>{"3"});
    CHECK(encoding(c, "d") == bulk("intset"));
    CHECK(c.cmd({"SDIFFSTORE", "d", "a", "b"}) == integer(2));
    CHECK(smembers(c, "d") == std::vector<std::string>{"1", "2"});
    CHECK(c.cmd({"SINTERSTORE", "d", "a", "nokey"}) == integer(0));
    CHECK(c.cmd({"EXISTS", "d"}) == integer(0));
    CHECK(c.cmd({"SDIFFSTORE", "d", "a", "a"}) == integer(0));
    CHECK(c.cmd({"EXISTS", "d"}) == integer(0));
    CHECK(c.cmd({"SUNIONSTORE", "a", "a", "b"}) == integer(4));  // destination among sources
    CHECK(smembers(c, "a") == std::vector<std::string>{"1", "2", "3", "x"});
}

TEST_CASE("sets: SSCAN walks a large set completely, with MATCH and COUNT") {
    ServerProcess s;
    Conn c = s.connect();
    Args add = {"SADD", "big"};
    for (int i = 0; i < 1000; i++)
        add.push_back("m" + std::to_string(i));
    CHECK(c.cmd(add) == integer(1000));
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        Reply r = c.cmd({"SSCAN", "big", cursor, "COUNT", "50"});
        REQUIRE(r.elements.size() == 2);
        cursor = r.elements[0].str;
        for (const Reply& m : r.elements[1].elements)
            seen.insert(m.str);
        calls++;
    } while (cursor != "0" && calls < 10000);
    CHECK(seen.size() == 1000);
    CHECK(calls > 5);
    Reply m = c.cmd({"SSCAN", "big", "0", "MATCH", "m99*", "COUNT", "100000"});
    CHECK(m.elements[0] == bulk("0"));
    CHECK(sorted(m.elements[1]) == std::vector<std::string>{"m99", "m990", "m991", "m992", "m993",
                                                            "m994", "m995", "m996", "m997", "m998",
                                                            "m999"});
    CHECK(c.cmd({"SADD", "small", "1", "2"}) == integer(2));
    CHECK(sorted(c.cmd({"SSCAN", "small", "0"}).elements[1]) == std::vector<std::string>{"1", "2"});
    CHECK(c.cmd({"SSCAN", "nokey", "0"}) == array({bulk("0"), array({})}));
    CHECK(c.cmd({"SSCAN", "big", "x"}) == error("ERR invalid cursor"));
    CHECK(c.cmd({"SSCAN", "big", "0", "COUNT", "0"}) == kSyntax);
    CHECK(c.cmd({"SSCAN", "big", "0", "TYPE", "set"}) == kSyntax);
}

TEST_CASE("sets: DUMP/RESTORE and COPY for each encoding") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SADD", "i", "1", "2", "-3"}) == integer(3));
    CHECK(c.cmd({"SADD", "l", "a", "b"}) == integer(2));
    Args add = {"SADD", "h"};
    for (int i = 0; i < 300; i++)
        add.push_back("e" + std::to_string(i));
    CHECK(c.cmd(add) == integer(300));
    for (std::string k : {"i", "l", "h"}) {
        CAPTURE(k);
        Reply d = c.cmd({"DUMP", k});
        REQUIRE(d.type == Reply::Type::Str);
        CHECK(c.cmd({"RESTORE", k + "2", "0", d.str}) == ok());
        CHECK(smembers(c, k + "2") == smembers(c, k));
        CHECK(encoding(c, k + "2") == encoding(c, k));
        CHECK(c.cmd({"COPY", k, k + "3"}) == integer(1));
        CHECK(smembers(c, k + "3") == smembers(c, k));
    }
    CHECK(c.cmd({"SADD", "h3", "new"}) == integer(1));  // the copy is independent
    CHECK(c.cmd({"SISMEMBER", "h", "new"}) == integer(0));
}

TEST_CASE("sets: a replica converges, SPOP reaches it as the members actually popped") {
    ServerProcess m;
    ServerProcess r({"--replicaof", "127.0.0.1 " + std::to_string(m.port())});
    Conn mc = m.connect();
    Conn rc = r.connect();
    REQUIRE(wait_until([&] { return link_up(rc); }, 10000ms));
    Args add = {"SADD", "big"};
    for (int i = 0; i < 400; i++)
        add.push_back("e" + std::to_string(i));
    CHECK(mc.cmd(add) == integer(400));
    CHECK(mc.cmd({"SADD", "ints", "1", "2", "3", "4", "5"}) == integer(5));
    CHECK(mc.cmd({"SPOP", "big"}).type == Reply::Type::Str);
    CHECK(mc.cmd({"SPOP", "big", "10"}).elements.size() == 10);    // one by one
    CHECK(mc.cmd({"SPOP", "big", "380"}).elements.size() == 380);  // survivors strategy
    CHECK(mc.cmd({"SPOP", "ints", "2"}).elements.size() == 2);
    CHECK(mc.cmd({"SPOP", "ints", "10"}).elements.size() == 3);  // the whole set: DEL
    CHECK(mc.cmd({"SUNIONSTORE", "u", "big", "nokey"}) == integer(9));
    CHECK(mc.cmd({"SMOVE", "big", "moved", mc.cmd({"SRANDMEMBER", "big"}).str}) == integer(1));
    REQUIRE(wait_until([&] { return caught_up(mc, rc); }, 10000ms));
    CHECK(smembers(rc, "big") == smembers(mc, "big"));
    CHECK(smembers(rc, "u") == smembers(mc, "u"));
    CHECK(smembers(rc, "moved") == smembers(mc, "moved"));
    CHECK(rc.cmd({"EXISTS", "ints"}) == integer(0));
    CHECK(rc.cmd({"SCARD", "big"}) == integer(8));
}
