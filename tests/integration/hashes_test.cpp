// Hash commands end to end: every command's replies and error texts (RESP2 and the RESP3
// shapes), WRONGTYPE, the key vanishing with its last field, the OBJECT ENCODING switch at
// both thresholds, HSCAN and HRANDFIELD, DUMP/RESTORE/COPY of both encodings, and a hash
// reaching a replica by full sync and by the stream (HINCRBYFLOAT as HSET). Expected replies
// are redis-server 7.0.15's.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

const Reply kWrongType = error("WRONGTYPE Operation against a key holding the wrong kind of value");
const Reply kNotInt = error("ERR value is not an integer or out of range");
const Reply kSyntax = error("ERR syntax error");

Reply map_reply(std::vector<Reply> kv) {
    Reply r = array(std::move(kv));
    r.type = Reply::Type::Map;
    return r;
}

// Fills key with n fields f0..f(n-1) -> v0.. in one HSET.
void fill(Conn& c, const std::string& key, int n, const std::string& prefix = "f") {
    Args a = {"HSET", key};
    for (int i = 0; i < n; i++) {
        a.push_back(prefix + std::to_string(i));
        a.push_back("v" + std::to_string(i));
    }
    c.cmd(a);
}

}  // namespace

TEST_CASE("hashes: HSET HGET HMGET HLEN HEXISTS HSTRLEN HSETNX HMSET") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"HSET", "h", "a", "1", "b", "hello"}) == integer(2));
    CHECK(c.cmd({"HSET", "h", "a", "2", "c", "3"}) == integer(1));
    CHECK(c.cmd({"HGET", "h", "a"}) == bulk("2"));
    CHECK(c.cmd({"HGET", "h", "zz"}) == nil());
    CHECK(c.cmd({"HGET", "nokey", "a"}) == nil());
    CHECK(c.cmd({"HMGET", "h", "a", "zz", "b"}) == array({bulk("2"), nil(), bulk("hello")}));
    CHECK(c.cmd({"HMGET", "nokey", "a", "b"}) == array({nil(), nil()}));
    CHECK(c.cmd({"HLEN", "h"}) == integer(3));
    CHECK(c.cmd({"HLEN", "nokey"}) == integer(0));
    CHECK(c.cmd({"HEXISTS", "h", "b"}) == integer(1));
    CHECK(c.cmd({"HEXISTS", "h", "x"}) == integer(0));
    CHECK(c.cmd({"HEXISTS", "nokey", "x"}) == integer(0));
    CHECK(c.cmd({"HSTRLEN", "h", "b"}) == integer(5));
    CHECK(c.cmd({"HSTRLEN", "h", "x"}) == integer(0));
    CHECK(c.cmd({"HSETNX", "h", "a", "9"}) == integer(0));
    CHECK(c.cmd({"HSETNX", "h", "d", "4"}) == integer(1));
    CHECK(c.cmd({"HSETNX", "new", "f", "v"}) == integer(1));
    CHECK(c.cmd({"HMSET", "h", "e", "5", "a", "1"}) == ok());
    CHECK(c.cmd({"HGETALL", "h"}) == bulks({"a", "1", "b", "hello", "c", "3", "d", "4", "e", "5"}));
    CHECK(c.cmd({"HKEYS", "h"}) == bulks({"a", "b", "c", "d", "e"}));
    CHECK(c.cmd({"HVALS", "h"}) == bulks({"1", "hello", "3", "4", "5"}));
    CHECK(c.cmd({"HKEYS", "nokey"}) == array({}));
    CHECK(c.cmd({"HGETALL", "nokey"}) == array({}));
    CHECK(c.cmd({"TYPE", "h"}) == status("hash"));
}

TEST_CASE("hashes: arity and argument errors") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"HSET", "h", "a"}) == error("ERR wrong number of arguments for 'hset' command"));
    CHECK(c.cmd({"HSET", "h", "a", "1", "b"}) ==
          error("ERR wrong number of arguments for 'hset' command"));
    CHECK(c.cmd({"HMSET", "h", "a", "1", "b"}) ==
          error("ERR wrong number of arguments for 'hmset' command"));
    CHECK(c.cmd({"HGET", "h"}) == error("ERR wrong number of arguments for 'hget' command"));
    CHECK(c.cmd({"HDEL", "h"}) == error("ERR wrong number of arguments for 'hdel' command"));
    CHECK(c.cmd({"HSETNX", "h", "a"}) ==
          error("ERR wrong number of arguments for 'hsetnx' command"));
    CHECK(c.cmd({"EXISTS", "h"}) == integer(0));
}

TEST_CASE("hashes: HDEL counts removed fields and the last one deletes the key") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"HSET", "h", "a", "1", "b", "2", "c", "3"});
    CHECK(c.cmd({"HDEL", "h", "a", "zz", "a"}) == integer(1));
    CHECK(c.cmd({"HDEL", "h", "b", "c"}) == integer(2));
    CHECK(c.cmd({"EXISTS", "h"}) == integer(0));
    CHECK(c.cmd({"HDEL", "h", "a"}) == integer(0));
    // The same for a hashtable-encoded hash.
    fill(c, "big", 600);
    Args del = {"HDEL", "big"};
    for (int i = 0; i < 600; i++) {
        del.push_back("f" + std::to_string(i));
    }
    CHECK(c.cmd(del) == integer(600));
    CHECK(c.cmd({"EXISTS", "big"}) == integer(0));
}

TEST_CASE("hashes: HINCRBY and HINCRBYFLOAT results and errors") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"HINCRBY", "h", "n", "5"}) == integer(5));
    CHECK(c.cmd({"HINCRBY", "h", "n", "-7"}) == integer(-2));
    CHECK(c.cmd({"HINCRBY", "h", "n", "x"}) == kNotInt);
    c.cmd({"HSET", "h", "s", "abc", "max", "9223372036854775807"});
    CHECK(c.cmd({"HINCRBY", "h", "s", "1"}) == error("ERR hash value is not an integer"));
    CHECK(c.cmd({"HINCRBY", "h", "max", "1"}) ==
          error("ERR increment or decrement would overflow"));
    CHECK(c.cmd({"HINCRBYFLOAT", "h", "f", "10.5"}) == bulk("10.5"));
    CHECK(c.cmd({"HINCRBYFLOAT", "h", "f", "0.1"}) == bulk("10.6"));
    CHECK(c.cmd({"HINCRBYFLOAT", "h", "n", "1.5e3"}) == bulk("1498"));
    CHECK(c.cmd({"HINCRBYFLOAT", "h", "s", "1"}) == error("ERR hash value is not a float"));
    CHECK(c.cmd({"HINCRBYFLOAT", "h", "f", "abc"}) == error("ERR value is not a valid float"));
    CHECK(c.cmd({"HINCRBYFLOAT", "h", "f", "inf"}) == error("ERR value is NaN or Infinity"));
    CHECK(c.cmd({"HINCRBYFLOAT", "nokey", "f", "inf"}) == error("ERR value is NaN or Infinity"));
    CHECK(c.cmd({"EXISTS", "nokey"}) == integer(0));
    CHECK(c.cmd({"HGET", "h", "f"}) == bulk("10.6"));
}

TEST_CASE("hashes: WRONGTYPE from every command on a string key") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "s", "x"});
    const std::vector<Args> cmds = {
        {"HSET", "s", "a", "1"},
        {"HSETNX", "s", "a", "1"},
        {"HGET", "s", "a"},
        {"HMGET", "s", "a"},
        {"HMSET", "s", "a", "1"},
        {"HDEL", "s", "a"},
        {"HLEN", "s"},
        {"HSTRLEN", "s", "a"},
        {"HEXISTS", "s", "a"},
        {"HKEYS", "s"},
        {"HVALS", "s"},
        {"HGETALL", "s"},
        {"HINCRBY", "s", "a", "1"},
        {"HINCRBYFLOAT", "s", "a", "1"},
        {"HRANDFIELD", "s"},
        {"HRANDFIELD", "s", "2"},
        {"HSCAN", "s", "0"},
    };
    for (const Args& a : cmds) {
        CHECK_MESSAGE(c.cmd(a) == kWrongType, a[0]);
    }
    c.cmd({"HSET", "h", "a", "1"});
    CHECK(c.cmd({"GET", "h"}) == kWrongType);
    CHECK(c.cmd({"GET", "s"}) == bulk("x"));
}

TEST_CASE("hashes: OBJECT ENCODING switches at both thresholds, once") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"CONFIG", "SET", "hash-max-listpack-entries", "3"}) == ok());
    CHECK(c.cmd({"CONFIG", "SET", "hash-max-listpack-value", "5"}) == ok());
    fill(c, "e", 3);
    CHECK(c.cmd({"OBJECT", "ENCODING", "e"}) == bulk("listpack"));
    c.cmd({"HSET", "e", "x", "1"});
    CHECK(c.cmd({"OBJECT", "ENCODING", "e"}) == bulk("hashtable"));
    c.cmd({"HDEL", "e", "x", "f0", "f1"});
    CHECK(c.cmd({"OBJECT", "ENCODING", "e"}) == bulk("hashtable"));  // never back

    c.cmd({"HSET", "v", "a", "12345"});
    CHECK(c.cmd({"OBJECT", "ENCODING", "v"}) == bulk("listpack"));
    c.cmd({"HSET", "v", "b", "123456"});
    CHECK(c.cmd({"OBJECT", "ENCODING", "v"}) == bulk("hashtable"));
    c.cmd({"HSET", "k", "123456", "a"});
    CHECK(c.cmd({"OBJECT", "ENCODING", "k"}) == bulk("hashtable"));
    c.cmd({"HSET", "n", "a", "1"});
    CHECK(c.cmd({"HSETNX", "n", "a", "123456"}) == integer(0));  // nothing set: no conversion
    CHECK(c.cmd({"OBJECT", "ENCODING", "n"}) == bulk("listpack"));
    CHECK(c.cmd({"HSETNX", "n", "b", "123456"}) == integer(1));
    CHECK(c.cmd({"OBJECT", "ENCODING", "n"}) == bulk("hashtable"));
    c.cmd({"HSET", "i", "a", "99999"});
    CHECK(c.cmd({"HINCRBY", "i", "a", "1"}) == integer(100000));
    CHECK(c.cmd({"OBJECT", "ENCODING", "i"}) == bulk("hashtable"));
}

TEST_CASE("hashes: HRANDFIELD counts, WITHVALUES, and its errors") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"HRANDFIELD", "nokey"}) == nil());
    CHECK(c.cmd({"HRANDFIELD", "nokey", "3"}) == array({}));
    c.cmd({"HSET", "one", "a", "1"});
    CHECK(c.cmd({"HRANDFIELD", "one"}) == bulk("a"));
    CHECK(c.cmd({"HRANDFIELD", "one", "-3", "WITHVALUES"}) ==
          bulks({"a", "1", "a", "1", "a", "1"}));
    CHECK(c.cmd({"HRANDFIELD", "one", "0"}) == array({}));
    CHECK(c.cmd({"HRANDFIELD", "one", "x"}) == kNotInt);
    CHECK(c.cmd({"HRANDFIELD", "one", "1", "WITHVALUE"}) == kSyntax);
    CHECK(c.cmd({"HRANDFIELD", "one", "1", "WITHVALUES", "x"}) == kSyntax);
    CHECK(c.cmd({"HRANDFIELD", "one", "9223372036854775807", "WITHVALUES"}) ==
          error("ERR value is out of range"));
    CHECK(c.cmd({"HRANDFIELD", "one", "-9223372036854775808"}) ==
          error("ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807"));
    for (int n : {10, 1000}) {  // listpack and hashtable
        std::string key = "h" + std::to_string(n);
        fill(c, key, n);
        Reply all = c.cmd({"HRANDFIELD", key, std::to_string(n + 5)});
        CHECK(all.elements.size() == static_cast<size_t>(n));
        for (int count : {3, n / 2, n - 1}) {
            Reply r = c.cmd({"HRANDFIELD", key, std::to_string(count), "WITHVALUES"});
            REQUIRE(r.elements.size() == static_cast<size_t>(2 * count));
            std::set<std::string> distinct;
            for (size_t i = 0; i < r.elements.size(); i += 2) {
                distinct.insert(r.elements[i].str);
                CHECK(r.elements[i + 1].str == "v" + r.elements[i].str.substr(1));
            }
            CHECK(distinct.size() == static_cast<size_t>(count));
        }
        Reply dup = c.cmd({"HRANDFIELD", key, "-50"});
        CHECK(dup.elements.size() == 50);
    }
}

TEST_CASE("hashes: HSCAN of both encodings, MATCH and COUNT, errors") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"HSCAN", "nokey", "0"}) == array({bulk("0"), array({})}));
    c.cmd({"HSET", "small", "a", "1", "b", "2", "ab", "3"});
    CHECK(c.cmd({"HSCAN", "small", "0"}) ==
          array({bulk("0"), bulks({"a", "1", "b", "2", "ab", "3"})}));
    CHECK(c.cmd({"HSCAN", "small", "0", "MATCH", "a*"}) ==
          array({bulk("0"), bulks({"a", "1", "ab", "3"})}));
    CHECK(c.cmd({"HSCAN", "small", "x"}) == error("ERR invalid cursor"));
    CHECK(c.cmd({"HSCAN", "small", "0", "COUNT", "0"}) == kSyntax);
    CHECK(c.cmd({"HSCAN", "small", "0", "TYPE", "string"}) == kSyntax);
    CHECK(c.cmd({"HSCAN", "small", "0", "COUNT", "x"}) == kNotInt);

    fill(c, "big", 2000);
    std::set<std::string> seen;
    std::string cursor = "0";
    int calls = 0;
    do {
        Reply r = c.cmd({"HSCAN", "big", cursor, "COUNT", "20"});
        REQUIRE(r.elements.size() == 2);
        cursor = r.elements[0].str;
        const auto& items = r.elements[1].elements;
        REQUIRE(items.size() % 2 == 0);
        for (size_t i = 0; i < items.size(); i += 2) {
            seen.insert(items[i].str);
            CHECK(items[i + 1].str == "v" + items[i].str.substr(1));
        }
        // Growing the hash mid-scan (a resize) must not lose any original field.
        if (calls == 5) {
            fill(c, "big", 3000, "g");
        }
        calls++;
    } while (cursor != "0" && calls < 100000);
    for (int i = 0; i < 2000; i++) {
        CHECK(seen.count("f" + std::to_string(i)) == 1);
    }
    CHECK(calls > 10);
    Reply m = c.cmd({"HSCAN", "big", "0", "MATCH", "f1999", "COUNT", "100000"});
    CHECK(m == array({bulk("0"), bulks({"f1999", "v1999"})}));
}

TEST_CASE("hashes: RESP3 map for HGETALL, pairs for HRANDFIELD WITHVALUES") {
    ServerProcess s;
    RawConn r = s.raw();
    REQUIRE(r.call("HELLO 3\r\n").type == Reply::Type::Map);
    CHECK(r.call("HSET h a 1\r\n") == integer(1));
    CHECK(r.raw("HGETALL h\r\n") == "%1\r\n$1\r\na\r\n$1\r\n1\r\n");
    CHECK(r.raw("HGETALL nokey\r\n") == "%0\r\n");
    CHECK(r.raw("HRANDFIELD h 2 WITHVALUES\r\n") == "*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    CHECK(r.raw("HRANDFIELD h -2 WITHVALUES\r\n") ==
          "*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n");
    CHECK(r.raw("HRANDFIELD h 2\r\n") == "*1\r\n$1\r\na\r\n");
    CHECK(r.raw("HRANDFIELD nokey\r\n") == "_\r\n");
    CHECK(r.call("HGETALL h\r\n") == map_reply({bulk("a"), bulk("1")}));
}

TEST_CASE("hashes: DUMP/RESTORE and COPY keep pairs and encoding; SCAN TYPE hash") {
    ServerProcess s;
    Conn c = s.connect();
    fill(c, "small", 5);
    fill(c, "big", 700);
    for (const char* key : {"small", "big"}) {
        Reply dump = c.cmd({"DUMP", key});
        REQUIRE(dump.type == Reply::Type::Str);
        std::string copy = std::string(key) + ":r";
        CHECK(c.cmd({"RESTORE", copy, "0", dump.str}) == ok());
        CHECK(c.cmd({"HGETALL", copy}).elements.size() == c.cmd({"HGETALL", key}).elements.size());
        CHECK(c.cmd({"OBJECT", "ENCODING", copy}) == c.cmd({"OBJECT", "ENCODING", key}));
        std::string dup = std::string(key) + ":c";
        CHECK(c.cmd({"COPY", key, dup}) == integer(1));
        c.cmd({"HSET", key, "f0", "changed"});
        CHECK(c.cmd({"HGET", dup, "f0"}) == bulk("v0"));
        CHECK(c.cmd({"OBJECT", "ENCODING", dup}) == c.cmd({"OBJECT", "ENCODING", key}));
    }
    CHECK(c.cmd({"OBJECT", "ENCODING", "big:r"}) == bulk("hashtable"));
    c.cmd({"SET", "str", "x"});
    Reply sc = c.cmd({"SCAN", "0", "TYPE", "hash", "COUNT", "1000"});
    CHECK(sc.elements[1].elements.size() == 6);
}

TEST_CASE("hashes: a replica gets hashes by full sync and by the stream") {
    ServerProcess master;
    Conn m = master.connect();
    fill(m, "big", 1000);
    m.cmd({"HSET", "small", "a", "1"});
    ServerProcess replica(Args{"--replicaof", "127.0.0.1 " + std::to_string(master.port())});
    Conn r = replica.connect();
    auto caught_up = [&] {
        return info(r, "replication")["master_link_status"] == "up" &&
               info_int(r, "replication", "master_repl_offset") ==
                   info_int(m, "replication", "master_repl_offset");
    };
    REQUIRE(wait_until(caught_up, 10000ms));
    CHECK(r.cmd({"HLEN", "big"}) == integer(1000));
    CHECK(r.cmd({"OBJECT", "ENCODING", "big"}) == bulk("hashtable"));
    CHECK(r.cmd({"HGET", "big", "f999"}) == bulk("v999"));

    m.cmd({"HINCRBYFLOAT", "small", "fl", "0.1"});
    m.cmd({"HINCRBYFLOAT", "small", "fl", "0.2"});
    m.cmd({"HINCRBY", "small", "n", "7"});
    m.cmd({"HSETNX", "small", "x", "y"});
    m.cmd({"HDEL", "small", "a"});
    m.cmd({"HSET", "gone", "a", "1"});
    m.cmd({"HDEL", "gone", "a"});
    m.cmd({"HMSET", "big", "f0", "changed"});
    REQUIRE(wait_until(caught_up, 10000ms));
    CHECK(r.cmd({"HGETALL", "small"}) == m.cmd({"HGETALL", "small"}));
    CHECK(r.cmd({"HGET", "small", "fl"}) == bulk("0.3"));
    CHECK(r.cmd({"EXISTS", "gone"}) == integer(0));
    CHECK(r.cmd({"HGET", "big", "f0"}) == bulk("changed"));
    CHECK(r.cmd({"HSET", "small", "z", "1"}).is_error());  // read-only replica
}
