// The list commands against a real server: replies and errors as redis-server 7.0.15 gives
// them (RESP2 and RESP3 nil forms), WRONGTYPE, an emptied list deleting its key, and big lists
// whose operations cross node boundaries.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

Reply null_array() {
    return nil();
}  // hiredis reads *-1 as nil

std::string resp(const Args& a) {
    std::string s = "*" + std::to_string(a.size()) + "\r\n";
    for (const auto& x : a)
        s += "$" + std::to_string(x.size()) + "\r\n" + x + "\r\n";
    return s;
}

}  // namespace

TEST_CASE("lists: push, pop with and without count, length, empty list deletes the key") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"LPOP", "nokey"}) == nil());
    CHECK(c.cmd({"LPOP", "nokey", "2"}) == null_array());
    CHECK(c.cmd({"RPUSH", "l", "a", "b", "c"}) == integer(3));
    CHECK(c.cmd({"LPUSH", "l", "z"}) == integer(4));
    CHECK(c.cmd({"OBJECT", "ENCODING", "l"}) == bulk("quicklist"));
    CHECK(c.cmd({"TYPE", "l"}) == status("list"));
    CHECK(c.cmd({"LPOP", "l", "0"}) == array({}));
    CHECK(c.cmd({"LPOP", "l", "-1"}) == error("ERR value is out of range, must be positive"));
    CHECK(c.cmd({"LPOP", "l", "x"}) == error("ERR value is out of range, must be positive"));
    CHECK(c.cmd({"LPOP", "l", "1", "2"}) ==
          error("ERR wrong number of arguments for 'lpop' command"));
    CHECK(c.cmd({"LPOP", "l"}) == bulk("z"));
    CHECK(c.cmd({"RPOP", "l", "1"}) == bulks({"c"}));
    CHECK(c.cmd({"LLEN", "l"}) == integer(2));
    CHECK(c.cmd({"RPOP", "l", "10"}) == bulks({"b", "a"}));
    CHECK(c.cmd({"EXISTS", "l"}) == integer(0));
    CHECK(c.cmd({"LPUSHX", "l", "a"}) == integer(0));
    CHECK(c.cmd({"EXISTS", "l"}) == integer(0));
    CHECK(c.cmd({"RPUSH", "l", "a"}) == integer(1));
    CHECK(c.cmd({"RPUSHX", "l", "b", "c"}) == integer(3));
    CHECK(c.cmd({"LRANGE", "l", "0", "-1"}) == bulks({"a", "b", "c"}));
}

TEST_CASE("lists: WRONGTYPE on every command, and a list read as a string") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"SET", "s", "x"});
    Reply wt = error("WRONGTYPE Operation against a key holding the wrong kind of value");
    for (const Args& a : std::vector<Args>{{"LPUSH", "s", "a"},
                                           {"RPUSHX", "s", "a"},
                                           {"LPOP", "s"},
                                           {"LLEN", "s"},
                                           {"LINDEX", "s", "0"},
                                           {"LRANGE", "s", "0", "1"},
                                           {"LSET", "s", "0", "x"},
                                           {"LTRIM", "s", "0", "1"},
                                           {"LREM", "s", "0", "x"},
                                           {"LINSERT", "s", "BEFORE", "a", "b"},
                                           {"LPOS", "s", "a"},
                                           {"LMPOP", "1", "s", "LEFT"},
                                           {"BLPOP", "s", "0"},
                                           {"LMOVE", "s", "d", "LEFT", "LEFT"}}) {
        CHECK(c.cmd(a) == wt);
    }
    c.cmd({"RPUSH", "l", "a"});
    CHECK(c.cmd({"GET", "l"}) == wt);
    // LMOVE checks the destination's type before popping.
    CHECK(c.cmd({"LMOVE", "l", "s", "LEFT", "LEFT"}) == wt);
    CHECK(c.cmd({"LLEN", "l"}) == integer(1));
}

TEST_CASE("lists: LINDEX LSET LINSERT LREM LTRIM LRANGE replies and errors") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "a"});
    CHECK(c.cmd({"LINDEX", "l", "-1"}) == bulk("a"));
    CHECK(c.cmd({"LINDEX", "l", "100"}) == nil());
    CHECK(c.cmd({"LINDEX", "l", "x"}) == error("ERR value is not an integer or out of range"));
    CHECK(c.cmd({"LSET", "l", "100", "x"}) == error("ERR index out of range"));
    CHECK(c.cmd({"LSET", "nokey", "0", "x"}) == error("ERR no such key"));
    CHECK(c.cmd({"LSET", "l", "-2", "Z"}) == ok());
    CHECK(c.cmd({"LINSERT", "l", "middle", "a", "x"}) == error("ERR syntax error"));
    CHECK(c.cmd({"LINSERT", "l", "BEFORE", "zz", "x"}) == integer(-1));
    CHECK(c.cmd({"LINSERT", "nokey", "BEFORE", "zz", "x"}) == integer(0));
    CHECK(c.cmd({"LINSERT", "l", "AFTER", "a", "X"}) == integer(8));
    CHECK(c.cmd({"LRANGE", "l", "0", "-1"}) == bulks({"a", "X", "b", "c", "1", "2", "Z", "a"}));
    CHECK(c.cmd({"LRANGE", "l", "-100", "1"}) == bulks({"a", "X"}));
    CHECK(c.cmd({"LRANGE", "l", "5", "2"}) == array({}));
    CHECK(c.cmd({"LRANGE", "nokey", "0", "-1"}) == array({}));
    CHECK(c.cmd({"LREM", "l", "-1", "a"}) == integer(1));
    CHECK(c.cmd({"LREM", "l", "0", "nothing"}) == integer(0));
    CHECK(c.cmd({"LTRIM", "l", "1", "-2"}) == ok());
    CHECK(c.cmd({"LRANGE", "l", "0", "-1"}) == bulks({"X", "b", "c", "1", "2"}));
    CHECK(c.cmd({"LTRIM", "l", "5", "1"}) == ok());
    CHECK(c.cmd({"EXISTS", "l"}) == integer(0));
}

TEST_CASE("lists: LPOS with RANK COUNT MAXLEN") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"RPUSH", "l", "a", "b", "c", "1", "2", "3", "a"});
    CHECK(c.cmd({"LPOS", "l", "a"}) == integer(0));
    CHECK(c.cmd({"LPOS", "l", "a", "RANK", "-1"}) == integer(6));
    CHECK(c.cmd({"LPOS", "l", "a", "COUNT", "0"}) == array({integer(0), integer(6)}));
    CHECK(c.cmd({"LPOS", "l", "a", "COUNT", "0", "RANK", "-1"}) == array({integer(6), integer(0)}));
    CHECK(c.cmd({"LPOS", "l", "a", "RANK", "2", "MAXLEN", "3"}) == nil());
    CHECK(c.cmd({"LPOS", "l", "zz"}) == nil());
    CHECK(c.cmd({"LPOS", "l", "zz", "COUNT", "0"}) == array({}));
    CHECK(c.cmd({"LPOS", "l", "a", "RANK", "0"}) ==
          error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                "second ... or use negative to start from the end of the list"));
    CHECK(c.cmd({"LPOS", "l", "a", "COUNT", "-1"}) == error("ERR COUNT can't be negative"));
    CHECK(c.cmd({"LPOS", "l", "a", "MAXLEN", "-1"}) == error("ERR MAXLEN can't be negative"));
    CHECK(c.cmd({"LPOS", "l", "a", "FOO"}) == error("ERR syntax error"));
}

TEST_CASE("lists: LMOVE RPOPLPUSH rotate and move; LMPOP replies and errors") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"RPUSH", "l", "1", "2", "3"});
    CHECK(c.cmd({"LMOVE", "l", "l", "LEFT", "RIGHT"}) == bulk("1"));
    CHECK(c.cmd({"LRANGE", "l", "0", "-1"}) == bulks({"2", "3", "1"}));
    CHECK(c.cmd({"RPOPLPUSH", "l", "d"}) == bulk("1"));
    CHECK(c.cmd({"LMOVE", "l", "d", "left", "right"}) == bulk("2"));
    CHECK(c.cmd({"LRANGE", "d", "0", "-1"}) == bulks({"1", "2"}));
    CHECK(c.cmd({"LMOVE", "l", "d", "LEFT", "MIDDLE"}) == error("ERR syntax error"));
    CHECK(c.cmd({"RPOPLPUSH", "nokey", "d"}) == nil());
    CHECK(c.cmd({"LMPOP", "0", "l", "LEFT"}) == error("ERR numkeys should be greater than 0"));
    CHECK(c.cmd({"LMPOP", "1", "l", "MIDDLE"}) == error("ERR syntax error"));
    CHECK(c.cmd({"LMPOP", "2", "l", "LEFT"}) == error("ERR syntax error"));
    CHECK(c.cmd({"LMPOP", "1", "l", "LEFT", "COUNT", "0"}) ==
          error("ERR count should be greater than 0"));
    CHECK(c.cmd({"LMPOP", "2", "nokey", "d", "RIGHT", "COUNT", "5"}) ==
          array({bulk("d"), bulks({"2", "1"})}));
    CHECK(c.cmd({"LMPOP", "1", "nokey", "LEFT"}) == null_array());
    CHECK(c.cmd({"COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"}) == bulks({"a", "b"}));
}

TEST_CASE("lists: RESP3 nil forms") {
    ServerProcess s;
    RawConn r = s.raw();
    r.raw(resp({"HELLO", "3"}));
    CHECK(r.raw(resp({"LPOP", "nokey"})) == "_\r\n");
    CHECK(r.raw(resp({"LPOP", "nokey", "2"})) == "_\r\n");
    CHECK(r.raw(resp({"LMPOP", "1", "nokey", "LEFT"})) == "_\r\n");
    CHECK(r.raw(resp({"LPOS", "nokey", "a"})) == "_\r\n");
    CHECK(r.raw(resp({"BRPOP", "nokey", "0.01"})) == "_\r\n");
    CHECK(r.raw(resp({"BLMOVE", "nokey", "x", "LEFT", "LEFT", "0.01"})) == "_\r\n");
}

TEST_CASE("lists: 20,000 elements across nodes: index, set, insert, trim, range, copy") {
    ServerProcess s;
    Conn c = s.connect();
    std::vector<std::string> model;
    for (int batch = 0; batch < 20; batch++) {
        Args a = {"RPUSH", "big"};
        for (int i = 0; i < 1000; i++) {
            a.push_back("element-" + std::to_string(batch * 1000 + i));
            model.push_back(a.back());
        }
        c.cmd(a);
    }
    CHECK(c.cmd({"LLEN", "big"}) == integer(20000));
    CHECK(c.cmd({"LINDEX", "big", "12345"}) == bulk(model[12345]));
    CHECK(c.cmd({"LINDEX", "big", "-3"}) == bulk(model[19997]));
    CHECK(c.cmd({"LSET", "big", "9999", std::string(300, 'x')}) == ok());
    model[9999] = std::string(300, 'x');
    CHECK(c.cmd({"LINSERT", "big", "BEFORE", model[5000], "ins"}) == integer(20001));
    model.insert(model.begin() + 5000, "ins");
    Reply r = c.cmd({"LRANGE", "big", "4990", "10010"});
    CHECK(r == bulks(std::vector<std::string>(model.begin() + 4990, model.begin() + 10011)));
    CHECK(c.cmd({"LTRIM", "big", "100", "-101"}) == ok());
    model = std::vector<std::string>(model.begin() + 100, model.end() - 100);
    CHECK(c.cmd({"LRANGE", "big", "0", "-1"}) == bulks(model));
    CHECK(c.cmd({"COPY", "big", "big2"}) == integer(1));
    CHECK(c.cmd({"RPOP", "big", "1000"}).elements.size() == 1000);
    CHECK(c.cmd({"LLEN", "big2"}) == integer(static_cast<long long>(model.size())));
    CHECK(c.cmd({"LRANGE", "big2", "0", "-1"}) == bulks(model));
}

TEST_CASE("lists: RENAME, DUMP/RESTORE round trip and SCAN TYPE list") {
    ServerProcess s;
    Conn c = s.connect();
    Args a = {"RPUSH", "l"};
    for (int i = 0; i < 3000; i++)
        a.push_back("v" + std::to_string(i));
    c.cmd(a);
    Reply dump = c.cmd({"DUMP", "l"});
    REQUIRE(dump.type == Reply::Type::Str);
    CHECK(c.cmd({"RESTORE", "l2", "0", dump.str}) == ok());
    CHECK(c.cmd({"LRANGE", "l2", "0", "-1"}) == c.cmd({"LRANGE", "l", "0", "-1"}));
    CHECK(c.cmd({"RENAME", "l2", "l3"}) == ok());
    CHECK(c.cmd({"LLEN", "l3"}) == integer(3000));
    Reply scan = c.cmd({"SCAN", "0", "TYPE", "list", "COUNT", "100"});
    REQUIRE(scan.elements.size() == 2);
    CHECK(scan.elements[1].elements.size() == 2);
}

TEST_CASE("lists: a replica that joins later gets every list by a full sync, then the stream") {
    ServerProcess master;
    Conn m = master.connect();
    Args a = {"RPUSH", "big"};
    for (int i = 0; i < 5000; i++) a.push_back(i % 3 ? "v" + std::to_string(i) : std::to_string(i));
    m.cmd(a);
    m.cmd({"LPUSH", "small", "x", "y"});
    m.cmd({"SELECT", "2"});
    m.cmd({"RPUSH", "other", "z"});
    m.cmd({"SELECT", "0"});
    ServerProcess replica(Args{"--replicaof", "127.0.0.1 " + std::to_string(master.port())});
    Conn r = replica.connect();
    auto caught_up = [&] {
        return info(r, "replication")["master_link_status"] == "up" &&
               info_int(r, "replication", "master_repl_offset") ==
                   info_int(m, "replication", "master_repl_offset");
    };
    REQUIRE(wait_until(caught_up, 10000ms));
    CHECK(r.cmd({"LRANGE", "big", "0", "-1"}) == m.cmd({"LRANGE", "big", "0", "-1"}));
    CHECK(r.cmd({"LRANGE", "small", "0", "-1"}) == bulks({"y", "x"}));
    m.cmd({"LSET", "big", "2500", "changed"});
    m.cmd({"LTRIM", "big", "10", "-10"});
    m.cmd({"LMPOP", "1", "small", "RIGHT", "COUNT", "5"});
    REQUIRE(wait_until(caught_up, 5000ms));
    CHECK(r.cmd({"LRANGE", "big", "0", "-1"}) == m.cmd({"LRANGE", "big", "0", "-1"}));
    CHECK(r.cmd({"EXISTS", "small"}) == integer(0));
    r.cmd({"SELECT", "2"});
    CHECK(r.cmd({"LRANGE", "other", "0", "-1"}) == bulks({"z"}));
}

TEST_CASE("lists: DEBUG DIGEST-VALUE depends on the elements") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"RPUSH", "a", "ab", "c"});
    c.cmd({"RPUSH", "b", "a", "bc"});
    c.cmd({"RPUSH", "a2", "ab", "c"});
    Reply d = c.cmd({"DEBUG", "DIGEST-VALUE", "a", "b", "a2"});
    REQUIRE(d.elements.size() == 3);
    CHECK(d.elements[0] != d.elements[1]);
    CHECK(d.elements[0] == d.elements[2]);
}
