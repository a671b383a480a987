// Clients blocked on lists (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP) against a real server:
// timeouts, FIFO fairness, the order keys became ready, BLMOVE chains, MULTI, CLIENT UNBLOCK,
// disconnects, the -UNBLOCKED sweep on REPLICAOF, and the propagation of a served pop.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

std::string resp(const Args& a) {
    std::string s = "*" + std::to_string(a.size()) + "\r\n";
    for (const auto& x : a)
        s += "$" + std::to_string(x.size()) + "\r\n" + x + "\r\n";
    return s;
}

long long blocked(Conn& c) {
    return info_int(c, "clients", "blocked_clients");
}

// Sends a blocking command on r and waits until the server counts `expect` blocked clients.
void block(RawConn& r, Conn& admin, const Args& cmd, long long expect) {
    REQUIRE(r.send(resp(cmd)));
    REQUIRE(wait_until([&] { return blocked(admin) == expect; }, 5000ms));
}

long long client_id(RawConn& r) {
    return r.call(resp({"CLIENT", "ID"})).integer;
}

}  // namespace

TEST_CASE("blocking: timeout is a float, errors for bad values, null array after the wait") {
    ServerProcess s;
    Conn c = s.connect();
    CHECK(c.cmd({"BLPOP", "q", "-1"}) == error("ERR timeout is negative"));
    CHECK(c.cmd({"BLPOP", "q", "abc"}) == error("ERR timeout is not a float or out of range"));
    // Past LLONG_MAX ms Redis' unchecked cast yields LLONG_MIN (x86-64): "negative", as 7.0.15.
    CHECK(c.cmd({"BLPOP", "q", "1e17"}) == error("ERR timeout is negative"));
    CHECK(c.cmd({"BZPOPMIN", "q", "inf"}) == error("ERR timeout is negative"));
    CHECK(c.cmd({"BLMOVE", "q", "d", "LEFT", "LEFT", "-1e100"}) == error("ERR timeout is negative"));
    CHECK(c.cmd({"BLMPOP", "0.1", "0", "q", "LEFT"}) ==
          error("ERR numkeys should be greater than 0"));
    CHECK(c.cmd({"BLMOVE", "q", "d", "LEFT", "UP", "0"}) == error("ERR syntax error"));
    long long t0 = now_ms();
    CHECK(c.cmd({"BLPOP", "q", "0.2"}) == nil());
    long long waited = now_ms() - t0;
    CHECK(waited >= 190);
    CHECK(waited < 3000);
    CHECK(c.cmd({"BRPOPLPUSH", "q", "d", "0.05"}) == nil());
    CHECK(c.cmd({"BLMPOP", "0.05", "1", "q", "RIGHT"}) == nil());
    CHECK(blocked(c) == 0);
}

TEST_CASE("blocking: a non-empty list answers at once, like the non-blocking form") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"RPUSH", "q", "a", "b", "c", "d"});
    CHECK(c.cmd({"BLPOP", "nokey", "q", "0"}) == bulks({"q", "a"}));
    CHECK(c.cmd({"BRPOP", "q", "0"}) == bulks({"q", "d"}));
    CHECK(c.cmd({"BLMOVE", "q", "d", "LEFT", "RIGHT", "0"}) == bulk("b"));
    CHECK(c.cmd({"BLMPOP", "0", "2", "nokey", "q", "LEFT", "COUNT", "5"}) ==
          array({bulk("q"), bulks({"c"})}));
    CHECK(c.cmd({"EXISTS", "q"}) == integer(0));
}

TEST_CASE("blocking: clients blocked on one key are served first come, first served") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    RawConn c2 = s.raw();
    RawConn c3 = s.raw();
    block(c1, admin, {"BLPOP", "q", "0"}, 1);
    block(c2, admin, {"BRPOP", "q", "other", "0"}, 2);
    block(c3, admin, {"BLPOP", "q", "0"}, 3);
    CHECK(admin.cmd({"CLIENT", "LIST"}).str.find("flags=b") != std::string::npos);
    CHECK(admin.cmd({"RPUSH", "q", "a", "b"}) == integer(2));
    CHECK(c1.read() == bulks({"q", "a"}));
    CHECK(c2.read() == bulks({"q", "b"}));
    CHECK(admin.cmd({"LLEN", "q"}) == integer(0));
    CHECK(blocked(admin) == 1);
    CHECK(admin.cmd({"LPUSH", "q", "c"}) == integer(1));
    CHECK(c3.read() == bulks({"q", "c"}));
    CHECK(blocked(admin) == 0);
    // The served clients' connections go on working.
    CHECK(c1.call(resp({"PING"})) == status("PONG"));
}

TEST_CASE("blocking: keys are served in the order they became ready (MULTI pushes)") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    block(c1, admin, {"BLPOP", "a", "b", "0"}, 1);
    admin.cmd({"MULTI"});
    admin.cmd({"RPUSH", "b", "from-b"});
    admin.cmd({"RPUSH", "a", "from-a"});
    CHECK(admin.cmd({"EXEC"}) == array({integer(1), integer(1)}));
    CHECK(c1.read() == bulks({"b", "from-b"}));
    CHECK(admin.cmd({"LLEN", "a"}) == integer(1));
}

TEST_CASE("blocking: a key of another type keeps the waiter blocked; RENAME makes it ready") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    block(c1, admin, {"BLMPOP", "0", "1", "q", "RIGHT", "COUNT", "2"}, 1);
    admin.cmd({"SET", "q", "string"});
    CHECK(c1.read_some(100ms).empty());
    CHECK(blocked(admin) == 1);
    admin.cmd({"DEL", "q"});
    admin.cmd({"RPUSH", "tmp", "1", "2", "3"});
    CHECK(admin.cmd({"RENAME", "tmp", "q"}) == ok());
    CHECK(c1.read() == array({bulk("q"), bulks({"3", "2"})}));
    CHECK(admin.cmd({"LRANGE", "q", "0", "-1"}) == bulks({"1"}));
}

TEST_CASE("blocking: a BLMOVE chain feeds the next waiter") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    RawConn c2 = s.raw();
    block(c1, admin, {"BLMOVE", "s1", "s2", "LEFT", "RIGHT", "0"}, 1);
    block(c2, admin, {"BRPOPLPUSH", "s2", "s3", "0"}, 2);
    CHECK(admin.cmd({"LPUSH", "s1", "v"}) == integer(1));
    CHECK(c1.read() == bulk("v"));
    CHECK(c2.read() == bulk("v"));
    CHECK(admin.cmd({"LRANGE", "s3", "0", "-1"}) == bulks({"v"}));
    CHECK(admin.cmd({"EXISTS", "s1", "s2"}) == integer(0));
}

TEST_CASE("blocking: inside MULTI the blocking commands answer at once") {
    ServerProcess s;
    Conn c = s.connect();
    c.cmd({"MULTI"});
    c.cmd({"BLPOP", "q", "0"});
    c.cmd({"BLMOVE", "q", "d", "LEFT", "LEFT", "0"});
    c.cmd({"BLMPOP", "0", "1", "q", "LEFT"});
    CHECK(c.cmd({"EXEC"}) == array({nil(), nil(), nil()}));
}

TEST_CASE("blocking: CLIENT UNBLOCK TIMEOUT and ERROR, disconnect cleanup") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    RawConn c2 = s.raw();
    long long id1 = client_id(c1);
    long long id2 = client_id(c2);
    block(c1, admin, {"BLPOP", "q", "0"}, 1);
    block(c2, admin, {"BLMOVE", "q", "d", "LEFT", "LEFT", "100"}, 2);
    CHECK(info_int(admin, "clients", "clients_in_timeout_table") == 1);
    CHECK(admin.cmd({"CLIENT", "UNBLOCK", std::to_string(id1)}) == integer(1));
    CHECK(c1.read() == nil());
    CHECK(admin.cmd({"CLIENT", "UNBLOCK", std::to_string(id2), "ERROR"}) == integer(1));
    CHECK(c2.read() == error("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
    CHECK(admin.cmd({"CLIENT", "UNBLOCK", std::to_string(id2)}) == integer(0));
    CHECK(admin.cmd({"CLIENT", "UNBLOCK", std::to_string(id2), "MAYBE"}) ==
          error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
    {
        RawConn c3 = s.raw();
        block(c3, admin, {"BLPOP", "q", "0"}, 1);
    }
    REQUIRE(wait_until([&] { return blocked(admin) == 0; }, 5000ms));
    CHECK(admin.cmd({"RPUSH", "q", "kept"}) == integer(1));
    CHECK(admin.cmd({"LLEN", "q"}) == integer(1));
}

TEST_CASE("blocking: RESP3 timeout reply and a pipelined command after a served BLPOP") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    c1.raw(resp({"HELLO", "3"}));
    CHECK(c1.raw(resp({"BLPOP", "q", "0.05"})) == "_\r\n");
    REQUIRE(c1.send(resp({"BLPOP", "q", "0"}) + resp({"PING"})));
    REQUIRE(wait_until([&] { return blocked(admin) == 1; }, 5000ms));
    admin.cmd({"RPUSH", "q", "x"});
    CHECK(c1.read_raw() == "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
    CHECK(c1.read_raw() == "+PONG\r\n");
}

TEST_CASE("blocking: REPLICAOF unblocks with -UNBLOCKED and closes the client") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    block(c1, admin, {"BLPOP", "q", "0"}, 1);
    // Any address: the role changes at once, whether or not the master answers.
    CHECK(admin.cmd({"REPLICAOF", "127.0.0.1", "1"}) == ok());
    CHECK(c1.read() == error("UNBLOCKED force unblock from blocking operation, instance state "
                             "changed (master -> replica?)"));
    CHECK(c1.wait_closed(5000ms));
    CHECK(blocked(admin) == 0);
}

TEST_CASE("blocking: a served BLPOP and BLMOVE reach the replica as LPOP and LMOVE") {
    ServerProcess master;
    ServerProcess replica(Args{"--replicaof", "127.0.0.1 " + std::to_string(master.port())});
    Conn m = master.connect();
    Conn r = replica.connect();
    REQUIRE(
        wait_until([&] { return info(r, "replication")["master_link_status"] == "up"; }, 10000ms));
    RawConn c1 = master.raw();
    RawConn c2 = master.raw();
    block(c1, m, {"BLPOP", "q", "0"}, 1);
    block(c2, m, {"BLMOVE", "q2", "dst", "RIGHT", "LEFT", "0"}, 2);
    m.cmd({"RPUSH", "q", "a", "b"});
    m.cmd({"RPUSH", "q2", "x", "y"});
    CHECK(c1.read() == bulks({"q", "a"}));
    CHECK(c2.read() == bulk("y"));
    auto caught_up = [&] {
        return info_int(r, "replication", "master_repl_offset") ==
               info_int(m, "replication", "master_repl_offset");
    };
    REQUIRE(wait_until(caught_up, 5000ms));
    CHECK(r.cmd({"LRANGE", "q", "0", "-1"}) == bulks({"b"}));
    CHECK(r.cmd({"LRANGE", "q2", "0", "-1"}) == bulks({"x"}));
    CHECK(r.cmd({"LRANGE", "dst", "0", "-1"}) == bulks({"y"}));
}

TEST_CASE("blocking: MOVE and SWAPDB make a waited-for key ready in its db") {
    ServerProcess s;
    Conn admin = s.connect();
    RawConn c1 = s.raw();
    RawConn c2 = s.raw();
    c1.call(resp({"SELECT", "1"}));
    block(c1, admin, {"BLPOP", "q", "0"}, 1);
    admin.cmd({"RPUSH", "q", "moved"});
    CHECK(admin.cmd({"MOVE", "q", "1"}) == integer(1));
    CHECK(c1.read() == bulks({"q", "moved"}));
    c2.call(resp({"SELECT", "2"}));
    block(c2, admin, {"BRPOP", "w", "0"}, 1);
    admin.cmd({"SELECT", "3"});
    admin.cmd({"RPUSH", "w", "swapped"});
    CHECK(admin.cmd({"SWAPDB", "2", "3"}) == ok());
    CHECK(c2.read() == bulks({"w", "swapped"}));
}
