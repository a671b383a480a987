// Clients blocked on sorted sets (BZPOPMIN BZPOPMAX BZMPOP) against a real server: immediate
// answers, timeouts, FIFO service, a waiter left blocked by a key of another type, MULTI, RESP3
// scores, WATCH seeing a served pop, and the propagation of served pops to a replica.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

std::string resp(const Args& a) {
    std::string s = "*" + std::to_string(a.size()) + "\r\n";
    for (const auto& x : a) s += "$" + std::to_string(x.size()) + "\r\n" + x + "\r\n";
    return s;
}

long long blocked(Conn& c) { return info_int(c, "clients", "blocked_clients"); }

void block(RawConn& r, Conn& admin, const Args& cmd, long long expect) {
    REQUIRE(r.send(resp(cmd)));
    REQUIRE(wait_until([&] { return blocked(admin) == expect; }, 5000ms));
}

}  // namespace

TEST_CASE("zset blocking: answers at once, errors, timeouts") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c"});
    CHECK(c.cmd({"BZPOPMIN", "none", "z", "0"}) == bulks({"z", "a", "1"}));
    CHECK(c.cmd({"BZPOPMAX", "z", "0"}) == bulks({"z", "c", "3"}));
    CHECK(c.cmd({"BZMPOP", "0", "2", "none", "z", "MIN", "COUNT", "5"}) ==
          array({bulk("z"), array({bulks({"b", "2"})})}));
    CHECK(c.cmd({"EXISTS", "z"}) == integer(0));
    CHECK(c.cmd({"BZPOPMIN", "z", "-1"}) == error("ERR timeout is negative"));
    CHECK(c.cmd({"BZMPOP", "0", "0", "z", "MIN"}) ==
          error("ERR numkeys should be greater than 0"));
    CHECK(c.cmd({"BZMPOP", "0", "1", "z", "MIDDLE"}) == error("ERR syntax error"));
    CHECK(c.cmd({"BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"}) ==
          error("ERR count should be greater than 0"));
    c.cmd({"SET", "str", "x"});
    CHECK(c.cmd({"BZPOPMIN", "str", "0"}).is_error());
    long long t0 = now_ms();
    CHECK(c.cmd({"BZPOPMIN", "z", "0.15"}) == nil());
    CHECK(now_ms() - t0 >= 140);
    CHECK(c.cmd({"BZMPOP", "0.05", "1", "z", "MAX"}) == nil());
    CHECK(c.cmd({"MULTI"}) == status("OK"));
    CHECK(c.cmd({"BZPOPMAX", "z", "0"}) == status("QUEUED"));
    CHECK(c.cmd({"EXEC"}) == array({nil()}));
    CHECK(blocked(c) == 0);
}

TEST_CASE("zset blocking: waiters are served in order; a key of another type keeps them") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    RawConn c2 = s.raw();
    block(c1, admin, {"BZPOPMIN", "z", "0"}, 1);
    block(c2, admin, {"BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"}, 2);
    // A string under the waited-for name: nobody is served, nobody leaves.
    admin.cmd({"SET", "z", "x"});
    admin.cmd({"DEL", "z"});
    CHECK(blocked(admin) == 2);
    admin.cmd({"ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"});
    CHECK(c1.read() == bulks({"z", "a", "1"}));
    CHECK(c2.read() == array({bulk("z"), array({bulks({"d", "4"}), bulks({"c", "3"})})}));
    CHECK(admin.cmd({"ZRANGE", "z", "0", "-1"}) == bulks({"b"}));
    CHECK(blocked(admin) == 0);
}

TEST_CASE("zset blocking: RESP3 replies a double score, served or at once") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    REQUIRE(c1.call(resp({"HELLO", "3"})).type != Reply::Type::Error);
    admin.cmd({"ZADD", "z", "9", "keep"});
    CHECK(c1.raw(resp({"BZPOPMAX", "z", "0"})) == "*3\r\n$1\r\nz\r\n$4\r\nkeep\r\n,9\r\n");
    block(c1, admin, {"BZPOPMIN", "z", "0"}, 1);
    admin.cmd({"ZADD", "z", "1.5", "a"});
    CHECK(c1.read_raw() == "*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n");
}

TEST_CASE("blocking: a served BLMOVE touches a WATCHed destination") {
    ServerProcess s;
    Conn admin = s.connect();
    Conn w = s.connect();
    RawConn c1 = s.raw();
    CHECK(w.cmd({"WATCH", "dst"}) == status("OK"));
    block(c1, admin, {"BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"}, 1);
    admin.cmd({"RPUSH", "src", "x"});
    CHECK(c1.read() == bulk("x"));
    CHECK(w.cmd({"MULTI"}) == status("OK"));
    CHECK(w.cmd({"SET", "other", "1"}) == status("QUEUED"));
    CHECK(w.cmd({"EXEC"}) == nil());
}

TEST_CASE("zset blocking: served pops reach the replica as ZPOPMIN / ZPOPMAX") {
    ServerProcess master;
    ServerProcess replica(Args{"--replicaof", "127.0.0.1 " + std::to_string(master.port())});
    Conn m = master.connect();
    Conn r = replica.connect();
    REQUIRE(
        wait_until([&] { return info(r, "replication")["master_link_status"] == "up"; }, 10000ms));
    RawConn c1 = master.raw();
    RawConn c2 = master.raw();
    block(c1, m, {"BZPOPMAX", "z", "0"}, 1);
    block(c2, m, {"BZMPOP", "0", "1", "z2", "MIN", "COUNT", "2"}, 2);
    m.cmd({"ZADD", "z", "1", "a", "2", "b"});
    m.cmd({"ZADD", "z2", "1", "x", "2", "y", "3", "w"});
    CHECK(c1.read() == bulks({"z", "b", "2"}));
    CHECK(c2.read() == array({bulk("z2"), array({bulks({"x", "1"}), bulks({"y", "2"})})}));
    auto caught_up = [&] {
        return info_int(r, "replication", "master_repl_offset") ==
               info_int(m, "replication", "master_repl_offset");
    };
    REQUIRE(wait_until(caught_up, 5000ms));
    CHECK(r.cmd({"ZRANGE", "z", "0", "-1"}) == bulks({"a"}));
    CHECK(r.cmd({"ZRANGE", "z2", "0", "-1"}) == bulks({"w"}));
}
