// MULTI / EXEC / DISCARD as far as slotcache has them (WATCH is issue 8): queueing, the array
// of replies, EXECABORT after a command refused while queueing, the errors of misplaced control
// commands, no_multi commands, and the transaction reaching a replica as a whole. Checked
// against Debian's redis-server 7.0.15 (SLOTCACHE_SERVER=/usr/bin/redis-server).
#include <doctest/doctest.h>

#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

TEST_CASE("MULTI queues commands; EXEC replies with each command's reply in order") {
    ServerProcess srv;
    Conn c = srv.connect();
    CHECK(c.cmd({"MULTI"}) == ok());
    CHECK(c.cmd({"SET", "a", "1"}) == status("QUEUED"));
    CHECK(c.cmd({"INCR", "a"}) == status("QUEUED"));
    CHECK(c.cmd({"GET", "a"}) == status("QUEUED"));
    CHECK(c.cmd({"GET", "nothing"}) == status("QUEUED"));
    CHECK(c.cmd({"EXEC"}) == array({ok(), integer(2), bulk("2"), nil()}));
    CHECK(c.cmd({"MULTI"}) == ok());
    CHECK(c.cmd({"EXEC"}) == array({}));
    // A runtime error is one element; the others still run.
    CHECK(c.cmd({"MULTI"}) == ok());
    CHECK(c.cmd({"SET", "s", "x"}) == status("QUEUED"));
    CHECK(c.cmd({"INCR", "s"}) == status("QUEUED"));
    CHECK(c.cmd({"SET", "t", "y"}) == status("QUEUED"));
    CHECK(c.cmd({"EXEC"}) ==
          array({ok(), error("ERR value is not an integer or out of range"), ok()}));
    CHECK(c.cmd({"GET", "t"}) == bulk("y"));
}

TEST_CASE("MULTI: a command refused while queueing aborts EXEC; DISCARD drops the queue") {
    ServerProcess srv;
    Conn c = srv.connect();
    CHECK(c.cmd({"MULTI"}) == ok());
    CHECK(c.cmd({"MULTI"}) == error("ERR MULTI calls can not be nested"));
    CHECK(c.cmd({"SET", "a", "1"}) == status("QUEUED"));
    CHECK(c.cmd({"SET", "a"}) == error("ERR wrong number of arguments for 'set' command"));
    CHECK(c.cmd({"EXEC"}) ==
          error("EXECABORT Transaction discarded because of previous errors."));
    CHECK(c.cmd({"EXISTS", "a"}) == integer(0));
    CHECK(c.cmd({"EXEC"}) == error("ERR EXEC without MULTI"));
    CHECK(c.cmd({"DISCARD"}) == error("ERR DISCARD without MULTI"));
    CHECK(c.cmd({"MULTI"}) == ok());
    CHECK(c.cmd({"SAVE"}) == error("ERR Command not allowed inside a transaction"));
    CHECK(c.cmd({"DISCARD"}) == ok());
    CHECK(c.cmd({"MULTI"}) == ok());
    CHECK(c.cmd({"SET", "b", "1"}) == status("QUEUED"));
    CHECK(c.cmd({"DISCARD"}) == ok());
    CHECK(c.cmd({"EXISTS", "b"}) == integer(0));
}

TEST_CASE("MULTI: the writes of EXEC reach a replica") {
    ServerProcess master, replica;
    Conn m = master.connect(), r = replica.connect();
    REQUIRE(r.cmd({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == ok());
    REQUIRE(m.cmd({"SET", "ready", "1"}) == ok());
    REQUIRE(wait_until([&] { return r.cmd({"GET", "ready"}) == bulk("1"); }, 10000ms));
    CHECK(m.cmd({"MULTI"}) == ok());
    CHECK(m.cmd({"SET", "x", "1"}) == status("QUEUED"));
    CHECK(m.cmd({"GET", "x"}) == status("QUEUED"));
    CHECK(m.cmd({"INCRBY", "x", "41"}) == status("QUEUED"));
    CHECK(m.cmd({"EXEC"}) == array({ok(), bulk("1"), integer(42)}));
    CHECK(wait_until([&] { return r.cmd({"GET", "x"}) == bulk("42"); }, 10000ms));
}
