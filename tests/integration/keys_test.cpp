// Generic key commands end to end: DEL/UNLINK/EXISTS/TYPE, the EXPIRE family with NX XX GT LT,
// TTL readers, PERSIST, RENAME, KEYS, SCAN, RANDOMKEY, TOUCH, OBJECT, COPY.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

const Reply kNotInt = error("ERR value is not an integer or out of range");

std::set<std::string> as_set(const Reply& r) {
    std::set<std::string> out;
    for (const auto& e : r.elements) {
        out.insert(e.str);
    }
    return out;
}

// Every key a full SCAN iteration returns (with duplicates folded), and the number of calls.
std::multiset<std::string> scan_all(Conn& c, Args extra, int* calls = nullptr) {
    std::multiset<std::string> keys;
    std::string cursor = "0";
    int n = 0;
    do {
        Args a{"SCAN", cursor};
        a.insert(a.end(), extra.begin(), extra.end());
        Reply r = c.cmd(a);
        REQUIRE(r.elements.size() == 2);
        cursor = r.elements[0].str;
        for (const auto& k : r.elements[1].elements) {
            keys.insert(k.str);
        }
        n++;
    } while (cursor != "0" && n < 100000);
    if (calls != nullptr) {
        *calls = n;
    }
    return keys;
}

}  // namespace

TEST_CASE("keys: DEL, UNLINK and EXISTS count keys, repeated keys too") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"MSET", "a", "1", "b", "2", "c", "3"});
    CHECK(c.cmd({"EXISTS", "a", "a", "x"}) == integer(2));
    CHECK(c.cmd({"DEL", "a", "x"}) == integer(1));
    CHECK(c.cmd({"DEL", "a"}) == integer(0));
    CHECK(c.cmd({"UNLINK", "b", "c", "b"}) == integer(2));
    CHECK(c.cmd({"DBSIZE"}) == integer(0));
    CHECK(c.cmd({"DEL"}) == error("ERR wrong number of arguments for 'del' command"));
}

TEST_CASE("keys: TYPE of strings and missing keys") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "s", "v"});
    CHECK(c.cmd({"TYPE", "s"}) == status("string"));
    CHECK(c.cmd({"TYPE", "missing"}) == status("none"));
    if (has_command(c, "rpush")) {
        c.cmd({"RPUSH", "l", "x"});
        CHECK(c.cmd({"TYPE", "l"}) == status("list"));
    }
}

TEST_CASE("expire: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT and the TTL readers") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"MSET", "a", "1", "b", "1", "c", "1", "d", "1"});
    CHECK(c.cmd({"TTL", "a"}) == integer(-1));
    CHECK(c.cmd({"PTTL", "a"}) == integer(-1));
    CHECK(c.cmd({"EXPIRETIME", "a"}) == integer(-1));
    CHECK(c.cmd({"TTL", "missing"}) == integer(-2));
    CHECK(c.cmd({"PTTL", "missing"}) == integer(-2));
    CHECK(c.cmd({"EXPIRETIME", "missing"}) == integer(-2));
    CHECK(c.cmd({"PEXPIRETIME", "missing"}) == integer(-2));
    CHECK(c.cmd({"EXPIRE", "a", "100"}) == integer(1));
    CHECK(c.cmd({"TTL", "a"}) == integer(100));
    CHECK(c.cmd({"PEXPIRE", "b", "100000"}) == integer(1));
    long long pttl = c.cmd({"PTTL", "b"}).integer;
    CHECK(pttl > 99000);
    CHECK(pttl <= 100000);
    long long at = now_ms() / 1000 + 1000;
    CHECK(c.cmd({"EXPIREAT", "c", std::to_string(at)}) == integer(1));
    CHECK(c.cmd({"EXPIRETIME", "c"}) == integer(at));
    CHECK(c.cmd({"PEXPIRETIME", "c"}) == integer(at * 1000));
    CHECK(c.cmd({"PEXPIREAT", "d", std::to_string(at * 1000 + 123)}) == integer(1));
    CHECK(c.cmd({"PEXPIRETIME", "d"}) == integer(at * 1000 + 123));
    CHECK(c.cmd({"EXPIRE", "missing", "100"}) == integer(0));
    CHECK(c.cmd({"EXPIRE", "a", "abc"}) == kNotInt);
    CHECK(c.cmd({"EXPIRE", "a", "9223372036854775807"}) ==
          error("ERR invalid expire time in 'expire' command"));
    CHECK(c.cmd({"PEXPIRE", "a", "9223372036854775807"}) ==
          error("ERR invalid expire time in 'pexpire' command"));
}

TEST_CASE("expire: a TTL in the past deletes the key at once") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"MSET", "a", "1", "b", "1", "c", "1"});
    CHECK(c.cmd({"EXPIRE", "a", "-1"}) == integer(1));
    CHECK(c.cmd({"EXISTS", "a"}) == integer(0));
    CHECK(c.cmd({"PEXPIRE", "b", "0"}) == integer(1));
    CHECK(c.cmd({"EXISTS", "b"}) == integer(0));
    CHECK(c.cmd({"EXPIREAT", "c", "1"}) == integer(1));
    CHECK(c.cmd({"EXISTS", "c"}) == integer(0));
}

TEST_CASE("expire: NX XX GT LT conditions") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "v"});
    CHECK(c.cmd({"EXPIRE", "k", "100", "XX"}) == integer(0));
    CHECK(c.cmd({"EXPIRE", "k", "100", "GT"}) == integer(0));
    CHECK(c.cmd({"EXPIRE", "k", "100", "LT"}) == integer(1));
    CHECK(c.cmd({"PERSIST", "k"}) == integer(1));
    CHECK(c.cmd({"EXPIRE", "k", "100", "NX"}) == integer(1));
    CHECK(c.cmd({"EXPIRE", "k", "200", "NX"}) == integer(0));
    CHECK(c.cmd({"EXPIRE", "k", "200", "XX"}) == integer(1));
    CHECK(c.cmd({"EXPIRE", "k", "100", "GT"}) == integer(0));
    CHECK(c.cmd({"EXPIRE", "k", "300", "GT"}) == integer(1));
    CHECK(c.cmd({"EXPIRE", "k", "400", "LT"}) == integer(0));
    CHECK(c.cmd({"EXPIRE", "k", "50", "LT"}) == integer(1));
    CHECK(c.cmd({"TTL", "k"}) == integer(50));
    CHECK(c.cmd({"PEXPIRE", "k", "60000", "GT"}) == integer(1));
    CHECK(c.cmd({"EXPIRE", "k", "10", "NX", "XX"}) ==
          error("ERR NX and XX, GT or LT options at the same time are not compatible"));
    CHECK(c.cmd({"EXPIRE", "k", "10", "GT", "LT"}) ==
          error("ERR GT and LT options at the same time are not compatible"));
    CHECK(c.cmd({"EXPIRE", "k", "10", "FOO"}) == error("ERR Unsupported option FOO"));
    CHECK(c.cmd({"TTL", "k"}) == integer(60));
}

TEST_CASE("expire: PERSIST removes a TTL and says whether there was one") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "k", "v", "EX", "100"});
    c.cmd({"SET", "p", "v"});
    CHECK(c.cmd({"PERSIST", "k"}) == integer(1));
    CHECK(c.cmd({"TTL", "k"}) == integer(-1));
    CHECK(c.cmd({"PERSIST", "p"}) == integer(0));
    CHECK(c.cmd({"PERSIST", "missing"}) == integer(0));
}

TEST_CASE("rename: RENAME moves value and TTL, RENAMENX refuses an existing target") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "a", "1", "EX", "100"});
    c.cmd({"SET", "b", "2"});
    CHECK(c.cmd({"RENAME", "a", "c"}) == ok());
    CHECK(c.cmd({"GET", "c"}) == bulk("1"));
    CHECK(c.cmd({"TTL", "c"}).integer > 90);
    CHECK(c.cmd({"EXISTS", "a"}) == integer(0));
    CHECK(c.cmd({"RENAME", "missing", "x"}) == error("ERR no such key"));
    CHECK(c.cmd({"RENAME", "c", "b"}) == ok());
    CHECK(c.cmd({"GET", "b"}) == bulk("1"));
    CHECK(c.cmd({"RENAME", "b", "b"}) == ok());
    c.cmd({"SET", "x", "X"});
    CHECK(c.cmd({"RENAMENX", "x", "b"}) == integer(0));
    CHECK(c.cmd({"RENAMENX", "x", "y"}) == integer(1));
    CHECK(c.cmd({"GET", "y"}) == bulk("X"));
    CHECK(c.cmd({"RENAMENX", "missing", "z"}) == error("ERR no such key"));
}

TEST_CASE("keys: KEYS matches glob patterns ? * [ae] [^e]") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"MSET", "hello", "1", "hallo", "1", "hxllo", "1", "hllo", "1", "heeeello", "1", "x", "1"});
    CHECK(as_set(c.cmd({"KEYS", "h?llo"})) ==
          std::set<std::string>{"hello", "hallo", "hxllo"});
    CHECK(as_set(c.cmd({"KEYS", "h*llo"})) ==
          std::set<std::string>{"hello", "hallo", "hxllo", "hllo", "heeeello"});
    CHECK(as_set(c.cmd({"KEYS", "h[ae]llo"})) == std::set<std::string>{"hello", "hallo"});
    CHECK(as_set(c.cmd({"KEYS", "h[^e]llo"})) == std::set<std::string>{"hallo", "hxllo"});
    CHECK(c.cmd({"KEYS", "*"}).elements.size() == 6);
    CHECK(c.cmd({"KEYS", "nomatch"}) == array({}));
}

TEST_CASE("scan: a full iteration returns every key at least once") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"DEBUG", "POPULATE", "1000"}) == ok());
    int calls = 0;
    auto keys = scan_all(c, {}, &calls);
    std::set<std::string> unique(keys.begin(), keys.end());
    CHECK(unique.size() == 1000);
    CHECK(unique.count("key:0") == 1);
    CHECK(unique.count("key:999") == 1);
    CHECK(calls > 1);
    auto big = scan_all(c, {"COUNT", "10000"}, &calls);
    CHECK(std::set<std::string>(big.begin(), big.end()).size() == 1000);
    CHECK(calls <= 2);
}

TEST_CASE("scan: keys present throughout survive concurrent writes") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"DEBUG", "POPULATE", "500", "stable"}) == ok());
    std::set<std::string> seen;
    std::string cursor = "0";
    int n = 0;
    int added = 0;
    do {
        Reply r = c.cmd({"SCAN", cursor, "COUNT", "20"});
        cursor = r.elements[0].str;
        for (const auto& k : r.elements[1].elements) {
            seen.insert(k.str);
        }
        // Growth between calls makes the table rehash; stable keys must still be returned.
        for (int i = 0; i < 50; i++) {
            c.cmd({"SET", "new:" + std::to_string(added++), "v"});
        }
    } while (cursor != "0" && ++n < 10000);
    int stable = 0;
    for (const auto& k : seen) {
        stable += k.rfind("stable:", 0) == 0;
    }
    CHECK(stable == 500);
}

TEST_CASE("scan: MATCH, COUNT, TYPE and a bad cursor") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"DEBUG", "POPULATE", "200", "user"}) == ok());
    CHECK(c.cmd({"DEBUG", "POPULATE", "100", "item"}) == ok());
    auto users = scan_all(c, {"MATCH", "user:*"});
    CHECK(std::set<std::string>(users.begin(), users.end()).size() == 200);
    auto one = scan_all(c, {"MATCH", "item:7?", "COUNT", "50"});
    CHECK(std::set<std::string>(one.begin(), one.end()).size() == 10);
    auto strings = scan_all(c, {"TYPE", "string"});
    CHECK(std::set<std::string>(strings.begin(), strings.end()).size() == 300);
    CHECK(scan_all(c, {"TYPE", "list"}).empty());
    CHECK(c.cmd({"SCAN", "abc"}) == error("ERR invalid cursor"));
    CHECK(c.cmd({"SCAN", "0", "COUNT", "0"}) == error("ERR syntax error"));
    CHECK(c.cmd({"SCAN", "0", "BOGUS", "1"}) == error("ERR syntax error"));
    Reply first = c.cmd({"SCAN", "0"});
    REQUIRE(first.type == Reply::Type::Array);
    CHECK(first.elements[0].type == Reply::Type::Str);
    CHECK(first.elements[1].type == Reply::Type::Array);
}

TEST_CASE("randomkey: nil when empty, an existing key otherwise") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"RANDOMKEY"}) == nil());
    c.cmd({"MSET", "a", "1", "b", "2"});
    std::set<std::string> seen;
    for (int i = 0; i < 50; i++) {
        seen.insert(c.cmd({"RANDOMKEY"}).str);
    }
    CHECK(seen == std::set<std::string>{"a", "b"});
}

TEST_CASE("keys: TOUCH counts existing keys and resets their idle time") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"MSET", "a", "1", "b", "2"});
    CHECK(c.cmd({"TOUCH", "a", "b", "missing"}) == integer(2));
    CHECK(c.cmd({"OBJECT", "IDLETIME", "a"}) == integer(0));
}

TEST_CASE("object: ENCODING, REFCOUNT, IDLETIME, FREQ") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "int", "12345"});
    c.cmd({"SET", "short", "hello"});
    c.cmd({"SET", "long", std::string(100, 'x')});
    CHECK(c.cmd({"OBJECT", "ENCODING", "int"}) == bulk("int"));
    CHECK(c.cmd({"OBJECT", "ENCODING", "short"}) == bulk("embstr"));
    CHECK(c.cmd({"OBJECT", "ENCODING", "long"}) == bulk("raw"));
    CHECK(c.cmd({"OBJECT", "ENCODING", "missing"}) == nil());
    CHECK(c.cmd({"APPEND", "short", "!"}) == integer(6));
    CHECK(c.cmd({"OBJECT", "ENCODING", "short"}) == bulk("raw"));
    Reply rc = c.cmd({"OBJECT", "REFCOUNT", "short"});
    CHECK(rc.type == Reply::Type::Int);
    CHECK(rc.integer >= 1);
    CHECK(c.cmd({"OBJECT", "IDLETIME", "short"}).type == Reply::Type::Int);
    CHECK(c.cmd({"OBJECT", "FREQ", "short"}) ==
          error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                "Please note that when switching between policies at runtime LRU and LFU data "
                "will take some time to adjust."));
    CHECK(c.cmd({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"}) == ok());
    CHECK(c.cmd({"OBJECT", "FREQ", "short"}).type == Reply::Type::Int);
    CHECK(c.cmd({"OBJECT", "IDLETIME", "short"}) ==
          error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note "
                "that when switching between policies at runtime LRU and LFU data will take some "
                "time to adjust."));
    CHECK(c.cmd({"OBJECT", "FREQ", "missing"}) == nil());
}

TEST_CASE("copy: to a new key, REPLACE, another DB, and errors") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "a", "1", "EX", "100"});
    c.cmd({"SET", "b", "2"});
    CHECK(c.cmd({"COPY", "a", "n"}) == integer(1));
    CHECK(c.cmd({"GET", "n"}) == bulk("1"));
    CHECK(c.cmd({"TTL", "n"}).integer > 90);
    CHECK(c.cmd({"COPY", "a", "b"}) == integer(0));
    CHECK(c.cmd({"GET", "b"}) == bulk("2"));
    CHECK(c.cmd({"COPY", "a", "b", "REPLACE"}) == integer(1));
    CHECK(c.cmd({"GET", "b"}) == bulk("1"));
    CHECK(c.cmd({"COPY", "missing", "x"}) == integer(0));
    CHECK(c.cmd({"COPY", "a", "a"}) == error("ERR source and destination objects are the same"));
    CHECK(c.cmd({"COPY", "a", "a", "DB", "3"}) == integer(1));
    CHECK(c.cmd({"COPY", "a", "x", "DB", "16"}) == error("ERR DB index is out of range"));
    CHECK(c.cmd({"COPY", "a", "x", "BOGUS"}) == error("ERR syntax error"));
    c.cmd({"SELECT", "3"});
    CHECK(c.cmd({"GET", "a"}) == bulk("1"));
    c.cmd({"SET", "n", "mine"});
    c.cmd({"SELECT", "0"});
    CHECK(c.cmd({"GET", "n"}) == bulk("1"));
}

TEST_CASE("wrongtype: generic commands work on any type, WRONGTYPE text") {
    ServerProcess s;
    Conn c = s.connect();
    if (!has_command(c, "rpush")) {
        MESSAGE("skipped: the server has no RPUSH (no list type yet)");
        return;
    }
    c.cmd({"RPUSH", "l", "a", "b"});
    CHECK(c.cmd({"EXPIRE", "l", "100"}) == integer(1));
    CHECK(c.cmd({"RENAME", "l", "l2"}) == ok());
    CHECK(c.cmd({"INCRBY", "l2", "1"}) ==
          error("WRONGTYPE Operation against a key holding the wrong kind of value"));
    CHECK(c.cmd({"DEL", "l2"}) == integer(1));
}

TEST_CASE("debug digest-value: equal values equal digests, missing keys all zeros") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"SET", "a", "same"}) == ok());
    CHECK(c.cmd({"SET", "b", "same"}) == ok());
    CHECK(c.cmd({"SET", "c", "other"}) == ok());
    CHECK(c.cmd({"SET", "n", "12345"}) == ok());  // integer-encoded
    CHECK(c.cmd({"SET", "m", "12345 "}) == ok());
    Reply r = c.cmd({"DEBUG", "DIGEST-VALUE", "a", "b", "c", "missing", "n", "m"});
    REQUIRE(r.elements.size() == 6);
    for (const auto& e : r.elements) CHECK(e.str.size() == 40);
    CHECK(r.elements[0] == r.elements[1]);
    CHECK_FALSE(r.elements[0] == r.elements[2]);
    CHECK(r.elements[3].str == std::string(40, '0'));
    CHECK_FALSE(r.elements[4] == r.elements[5]);
    CHECK(c.cmd({"DEBUG", "DIGEST-VALUE"}) == array({}));
}
