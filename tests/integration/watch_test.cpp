// WATCH / UNWATCH end to end: every source that invalidates a watched key (another client's
// write, the watcher's own write before MULTI, DEL, EXPIRE, RENAME both ways, RESTORE,
// FLUSHDB/FLUSHALL/SWAPDB, expiry, eviction, a replica's stream), the cases that must not
// invalidate, the RESP3 null, and routing in cluster mode. Checked against Debian's
// redis-server 7.0.15 (SLOTCACHE_SERVER=/usr/bin/redis-server).
#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

// MULTI; GET key; EXEC on c: the EXEC reply.
Reply exec_get(Conn& c, const std::string& key) {
    REQUIRE(c.cmd({"MULTI"}) == ok());
    REQUIRE(c.cmd({"GET", key}) == status("QUEUED"));
    return c.cmd({"EXEC"});
}

// Waits (bounded) until the wall clock is past `at_ms`.
void wait_past(long long at_ms) {
    REQUIRE(wait_until([&] { return now_ms() > at_ms; }, 5000ms, 5ms));
}

}  // namespace

TEST_CASE("WATCH: untouched keys let EXEC run; a write by another client makes it a null") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.cmd({"WATCH", "k", "other"}) == ok());
    CHECK(exec_get(a, "k") == array({bulk("1")}));
    // EXEC unwatched everything: a later write does not reach the next transaction.
    CHECK(b.cmd({"SET", "k", "2"}) == ok());
    CHECK(exec_get(a, "k") == array({bulk("2")}));

    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"SET", "k", "3"}) == ok());
    CHECK(a.cmd({"MULTI"}) == ok());
    CHECK(a.cmd({"SET", "k", "mine"}) == status("QUEUED"));
    CHECK(a.cmd({"EXEC"}) == nil());
    CHECK(a.cmd({"GET", "k"}) == bulk("3"));
}

TEST_CASE("WATCH: the watcher's own write before MULTI invalidates; UNWATCH and DISCARD clear") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(a.cmd({"SET", "k", "1"}) == ok());
    CHECK(exec_get(a, "k") == nil());

    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"SET", "k", "2"}) == ok());
    CHECK(a.cmd({"UNWATCH"}) == ok());
    CHECK(exec_get(a, "k") == array({bulk("2")}));

    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(a.cmd({"MULTI"}) == ok());
    CHECK(a.cmd({"DISCARD"}) == ok());
    CHECK(b.cmd({"SET", "k", "3"}) == ok());
    CHECK(exec_get(a, "k") == array({bulk("3")}));
}

TEST_CASE("WATCH inside MULTI is an error that does not abort; UNWATCH inside MULTI is queued") {
    ServerProcess srv;
    Conn a = srv.connect();
    CHECK(a.cmd({"MULTI"}) == ok());
    CHECK(a.cmd({"WATCH", "x"}) == error("ERR WATCH inside MULTI is not allowed"));
    CHECK(a.cmd({"PING"}) == status("QUEUED"));
    CHECK(a.cmd({"UNWATCH"}) == status("QUEUED"));
    CHECK(a.cmd({"EXEC"}) == array({status("PONG"), ok()}));
    CHECK(a.cmd({"WATCH"}) == error("ERR wrong number of arguments for 'watch' command"));
    CHECK(a.cmd({"UNWATCH", "x"}) == error("ERR wrong number of arguments for 'unwatch' command"));
}

TEST_CASE("WATCH: a queued error wins over a touched key (EXECABORT, not null)") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.cmd({"MULTI"}) == ok());
    CHECK(a.cmd({"NOSUCHCMD"}).is_error());
    CHECK(a.cmd({"EXEC"}) == error("EXECABORT Transaction discarded because of previous errors."));
    // The transaction's end unwatched k.
    CHECK(exec_get(a, "k") == array({bulk("1")}));
}

TEST_CASE("WATCH: CLIENT LIST shows the d flag once a watched key was touched") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(a.cmd({"CLIENT", "INFO"}).str.find(" flags=N ") != std::string::npos);
    CHECK(b.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.cmd({"CLIENT", "INFO"}).str.find(" flags=d ") != std::string::npos);
    CHECK(a.cmd({"UNWATCH"}) == ok());
    CHECK(a.cmd({"CLIENT", "INFO"}).str.find(" flags=N ") != std::string::npos);
}

TEST_CASE("WATCH: DEL of the key invalidates, DEL of a missing or another key does not") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"MSET", "k", "1", "j", "2"}) == ok());
    CHECK(a.cmd({"WATCH", "k", "missing"}) == ok());
    CHECK(b.cmd({"DEL", "j", "missing"}) == integer(1));
    CHECK(exec_get(a, "k") == array({bulk("1")}));
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"UNLINK", "k"}) == integer(1));
    CHECK(exec_get(a, "k") == nil());
}

TEST_CASE("WATCH: EXPIRE, PERSIST and RENAME onto or away from the key invalidate") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"EXPIRE", "k", "100"}) == integer(1));
    CHECK(exec_get(a, "k") == nil());

    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"PERSIST", "k"}) == integer(1));
    CHECK(exec_get(a, "k") == nil());
    // PERSIST of a key without a TTL changes nothing.
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"PERSIST", "k"}) == integer(0));
    CHECK(exec_get(a, "k") == array({bulk("1")}));

    CHECK(a.cmd({"SET", "src", "v"}) == ok());
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"RENAME", "src", "k"}) == ok());
    CHECK(exec_get(a, "k") == nil());

    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"RENAME", "k", "elsewhere"}) == ok());
    CHECK(exec_get(a, "k") == nil());
}

TEST_CASE("WATCH: RESTORE REPLACE and COPY onto the key invalidate; COPY's source does not") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"SET", "k", "1"}) == ok());
    Reply dump = a.cmd({"DUMP", "k"});
    REQUIRE(dump.type == Reply::Type::Str);
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"RESTORE", "k", "0", dump.str, "REPLACE"}) == ok());
    CHECK(exec_get(a, "k") == nil());

    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"COPY", "k", "dst"}) == integer(1));
    CHECK(exec_get(a, "k") == array({bulk("1")}));
    CHECK(a.cmd({"WATCH", "dst"}) == ok());
    CHECK(b.cmd({"COPY", "k", "dst", "REPLACE"}) == integer(1));
    CHECK(exec_get(a, "dst") == nil());
}

TEST_CASE("WATCH: FLUSHDB and FLUSHALL invalidate keys that existed, not missing ones") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"WATCH", "missing"}) == ok());
    CHECK(b.cmd({"FLUSHALL"}) == ok());
    CHECK(exec_get(a, "missing") == array({nil()}));

    CHECK(a.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"FLUSHDB"}) == ok());
    CHECK(exec_get(a, "k") == nil());

    CHECK(a.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"FLUSHALL", "ASYNC"}) == ok());
    CHECK(exec_get(a, "k") == nil());

    // FLUSHDB of another db leaves this one's watchers alone.
    CHECK(a.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"SELECT", "1"}) == ok());
    CHECK(b.cmd({"SET", "k", "other-db"}) == ok());
    CHECK(b.cmd({"FLUSHDB"}) == ok());
    CHECK(exec_get(a, "k") == array({bulk("1")}));
}

TEST_CASE("WATCH: SWAPDB invalidates a key that exists in either db") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"SELECT", "1"}) == ok());
    CHECK(b.cmd({"SET", "k", "from-1"}) == ok());
    CHECK(b.cmd({"SWAPDB", "0", "1"}) == ok());
    CHECK(exec_get(a, "k") == nil());

    CHECK(a.cmd({"WATCH", "neither"}) == ok());
    CHECK(b.cmd({"SWAPDB", "0", "1"}) == ok());
    CHECK(exec_get(a, "neither") == array({nil()}));
}

TEST_CASE("WATCH: a key whose TTL passes between WATCH and EXEC aborts EXEC") {
    ServerProcess srv;
    Conn a = srv.connect();
    CHECK(a.cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}) == ok());
    CHECK(a.cmd({"SET", "k", "1", "PX", "100"}) == ok());
    long long set_at = now_ms();
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    wait_past(set_at + 150);
    // Nothing touched k: it is still in the table, only past its TTL (Redis' isWatchedKeyExpired).
    CHECK(a.cmd({"MULTI"}) == ok());
    CHECK(a.cmd({"PING"}) == status("QUEUED"));
    CHECK(a.cmd({"EXEC"}) == nil());

    // Deleted by the active cycle meanwhile: the deletion itself invalidates.
    CHECK(a.cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "1"}) == ok());
    CHECK(a.cmd({"SET", "k", "1", "PX", "50"}) == ok());
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(wait_until([&] { return a.cmd({"DBSIZE"}) == integer(0); }));
    CHECK(exec_get(a, "k") == nil());
}

TEST_CASE("WATCH: a key already expired when watched is no change when it is then deleted") {
    ServerProcess srv;
    Conn a = srv.connect();
    CHECK(a.cmd({"DEBUG", "SET-ACTIVE-EXPIRE", "0"}) == ok());
    CHECK(a.cmd({"SET", "k", "1", "PX", "20"}) == ok());
    wait_past(now_ms() + 40);
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    // The lookup deletes the expired key; the client had already seen it as missing.
    CHECK(a.cmd({"GET", "k"}) == nil());
    CHECK(exec_get(a, "k") == array({nil()}));
}

TEST_CASE("WATCH: eviction of the key invalidates") {
    ServerProcess srv({"--maxmemory-policy", "allkeys-random"});
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.cmd({"WATCH", "k"}) == ok());
    CHECK(b.cmd({"CONFIG", "SET", "maxmemory", "1"}) == ok());
    // Any command evicts while over the limit: everything goes.
    CHECK(wait_until([&] { return b.cmd({"DBSIZE"}) == integer(0); }));
    CHECK(b.cmd({"CONFIG", "SET", "maxmemory", "0"}) == ok());
    CHECK(info_int(b, "stats", "evicted_keys") >= 1);
    CHECK(exec_get(a, "k") == nil());
}

TEST_CASE("WATCH: RESP3 EXEC of a touched transaction is the RESP3 null") {
    ServerProcess srv;
    RawConn a = srv.raw();
    Conn b = srv.connect();
    CHECK(a.call("HELLO 3\r\n").type == Reply::Type::Map);
    CHECK(a.raw("WATCH k\r\n") == "+OK\r\n");
    CHECK(b.cmd({"SET", "k", "1"}) == ok());
    CHECK(a.raw("MULTI\r\n") == "+OK\r\n");
    CHECK(a.raw("EXEC\r\n") == "_\r\n");
    RawConn r2 = srv.raw();
    CHECK(r2.raw("WATCH k\r\n") == "+OK\r\n");
    CHECK(b.cmd({"SET", "k", "2"}) == ok());
    CHECK(r2.raw("MULTI\r\n") == "+OK\r\n");
    CHECK(r2.raw("EXEC\r\n") == "*-1\r\n");
}

TEST_CASE("WATCH on a replica: a write arriving through the replication stream invalidates") {
    ServerProcess master, replica;
    Conn m = master.connect(), r = replica.connect();
    REQUIRE(r.cmd({"REPLICAOF", "127.0.0.1", std::to_string(master.port())}) == ok());
    REQUIRE(m.cmd({"SET", "k", "1"}) == ok());
    REQUIRE(wait_until([&] { return r.cmd({"GET", "k"}) == bulk("1"); }, 10000ms));
    CHECK(r.cmd({"WATCH", "k"}) == ok());
    CHECK(m.cmd({"SET", "k", "2"}) == ok());
    REQUIRE(wait_until([&] { return r.cmd({"GET", "k"}) == bulk("2"); }, 10000ms));
    CHECK(exec_get(r, "k") == nil());
    // Untouched: EXEC runs on the replica.
    CHECK(r.cmd({"WATCH", "k"}) == ok());
    CHECK(exec_get(r, "k") == array({bulk("2")}));
}

TEST_CASE("WATCH: a disconnected watcher leaves nothing behind") {
    ServerProcess srv;
    Conn b = srv.connect();
    {
        Conn a = srv.connect();
        CHECK(a.cmd({"WATCH", "k", "j"}) == ok());
    }
    REQUIRE(wait_until([&] { return info_int(b, "clients", "connected_clients") == 1; }));
    CHECK(b.cmd({"SET", "k", "1"}) == ok());  // would touch a freed watcher
    CHECK(b.cmd({"PING"}) == status("PONG"));
}

TEST_CASE("WATCH in cluster mode: keys of different slots are CROSSSLOT; routing applies") {
    ServerProcess srv({"--cluster-enabled", "yes"});
    Conn c = srv.connect();
    REQUIRE(c.cmd({"CLUSTER", "ADDSLOTSRANGE", "0", "16383"}) == ok());
    REQUIRE(wait_until(
        [&] {
            Reply r = c.cmd({"CLUSTER", "INFO"});
            return r.str.find("cluster_state:ok") != std::string::npos;
        },
        10000ms));
    CHECK(c.cmd({"WATCH", "a", "b"}) ==
          error("CROSSSLOT Keys in request don't hash to the same slot"));
    CHECK(c.cmd({"WATCH", "{t}a", "{t}b"}) == ok());
    CHECK(c.cmd({"SET", "{t}a", "1"}) == ok());
    CHECK(exec_get(c, "{t}a") == nil());
    // EXEC whose queued commands span slots aborts, and ends the WATCH with the transaction.
    CHECK(c.cmd({"WATCH", "{t}a"}) == ok());
    CHECK(c.cmd({"MULTI"}) == ok());
    CHECK(c.cmd({"SET", "a", "1"}) == status("QUEUED"));
    CHECK(c.cmd({"SET", "b", "1"}) == status("QUEUED"));
    Reply aborted = c.cmd({"EXEC"});
    CHECK(aborted.is_error());
    CHECK(aborted.str.find("CROSSSLOT") != std::string::npos);
    CHECK(c.cmd({"SET", "{t}a", "2"}) == ok());
    CHECK(exec_get(c, "{t}a") == array({bulk("2")}));
    // Slot 15495 is "a"'s: unassigned, WATCH is refused like any keyed command.
    CHECK(c.cmd({"CLUSTER", "DELSLOTS", "15495"}) == ok());
    Reply r = c.cmd({"WATCH", "a"});
    CHECK(r.is_error());
    CHECK(r.str.rfind("CLUSTERDOWN", 0) == 0);
}

TEST_CASE("WATCH: an LTRIM that removes nothing still touches an existing list, not a missing one") {
    ServerProcess srv;
    Conn a = srv.connect(), b = srv.connect();
    CHECK(a.cmd({"RPUSH", "l", "x", "y"}) == integer(2));
    CHECK(a.cmd({"WATCH", "l", "missing"}) == ok());
    CHECK(b.cmd({"LTRIM", "missing", "0", "-1"}) == ok());
    CHECK(exec_get(a, "other") == array({nil()}));
    CHECK(a.cmd({"WATCH", "l"}) == ok());
    CHECK(b.cmd({"LTRIM", "l", "0", "-1"}) == ok());  // redis-server 7.0.15: signalModifiedKey
    CHECK(exec_get(a, "other") == nil());
    CHECK(b.cmd({"LRANGE", "l", "0", "-1"}) == bulks({"x", "y"}));
}
