// MIGRATE between two standalone servers: the key moves with its TTL and leaves the source,
// COPY/REPLACE/KEYS/AUTH/AUTH2/db, the target's errors (BUSYKEY, WRONGPASS, DB index) and the
// I/O errors (closed port, a target that stops answering), the DEL a replica of the source
// receives, and a command on a key being migrated waiting for the outcome. Every expected reply
// was checked against Debian's redis-server 7.0.15 (SLOTCACHE_SERVER=/usr/bin/redis-server),
// except the last test's "other keys are served meanwhile", which only holds for slotcache
// (Redis blocks the whole server during MIGRATE).
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <thread>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

Args migrate(int port, const std::string& key, const std::string& db = "0",
             const std::string& timeout = "5000", Args extra = {}) {
    Args a{"MIGRATE", "127.0.0.1", std::to_string(port), key, db, timeout};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

const Reply kBusy =
    error("ERR Target instance replied with error: BUSYKEY Target key name already exists.");

bool is_slotcache(Conn& c) { return info(c, "server").count("slotcache_version") > 0; }

}  // namespace

TEST_CASE("MIGRATE moves a key with its TTL; the source loses it; +NOKEY when nothing exists") {
    ServerProcess src, dst;
    Conn s = src.connect(), d = dst.connect();
    REQUIRE(s.cmd({"SET", "k", "hello"}) == ok());
    REQUIRE(s.cmd({"SET", "t", "v", "PX", "100000"}) == ok());
    CHECK(s.cmd(migrate(dst.port(), "k")) == ok());
    CHECK(s.cmd({"EXISTS", "k"}) == integer(0));
    CHECK(d.cmd({"GET", "k"}) == bulk("hello"));
    CHECK(d.cmd({"TTL", "k"}) == integer(-1));
    CHECK(s.cmd(migrate(dst.port(), "t")) == ok());
    long long pttl = d.cmd({"PTTL", "t"}).integer;
    CHECK(pttl > 90000);
    CHECK(pttl <= 100000);
    CHECK(s.cmd(migrate(dst.port(), "k")) == status("NOKEY"));
    CHECK(s.cmd(migrate(dst.port(), "", "0", "5000", {"KEYS", "x", "y"})) == status("NOKEY"));
}

TEST_CASE("MIGRATE COPY keeps the source key; an existing target key is BUSYKEY unless REPLACE") {
    ServerProcess src, dst;
    Conn s = src.connect(), d = dst.connect();
    REQUIRE(s.cmd({"SET", "k", "new"}) == ok());
    REQUIRE(d.cmd({"SET", "k", "old"}) == ok());
    CHECK(s.cmd(migrate(dst.port(), "k", "0", "5000", {"COPY"})) == kBusy);
    CHECK(d.cmd({"GET", "k"}) == bulk("old"));
    CHECK(s.cmd(migrate(dst.port(), "k", "0", "5000", {"COPY", "REPLACE"})) == ok());
    CHECK(d.cmd({"GET", "k"}) == bulk("new"));
    CHECK(s.cmd({"GET", "k"}) == bulk("new"));
    CHECK(s.cmd(migrate(dst.port(), "k", "0", "5000", {"REPLACE"})) == ok());
    CHECK(s.cmd({"EXISTS", "k"}) == integer(0));
}

TEST_CASE("MIGRATE KEYS moves the keys that exist; a refused one stays, the others leave") {
    ServerProcess src, dst;
    Conn s = src.connect(), d = dst.connect();
    for (const char* k : {"a", "b", "c"}) REQUIRE(s.cmd({"SET", k, std::string("v") + k}) == ok());
    REQUIRE(d.cmd({"SET", "b", "taken"}) == ok());
    CHECK(s.cmd(migrate(dst.port(), "", "0", "5000", {"KEYS", "a", "missing", "b", "c"})) ==
          kBusy);
    CHECK(s.cmd({"EXISTS", "a", "b", "c"}) == integer(1));
    CHECK(s.cmd({"GET", "b"}) == bulk("vb"));
    CHECK(d.cmd({"MGET", "a", "b", "c"}) == bulks({"va", "taken", "vc"}));
}

TEST_CASE("MIGRATE checks its arguments before contacting anyone") {
    ServerProcess src;
    Conn s = src.connect();
    REQUIRE(s.cmd({"SET", "k", "v"}) == ok());
    CHECK(s.cmd(migrate(1, "k", "0", "10", {"FOO"})) == error("ERR syntax error"));
    CHECK(s.cmd(migrate(1, "k", "0", "10", {"AUTH"})) == error("ERR syntax error"));
    CHECK(s.cmd(migrate(1, "k", "x", "10")) ==
          error("ERR value is not an integer or out of range"));
    CHECK(s.cmd(migrate(1, "k", "0", "10", {"KEYS", "k"})) ==
          error("ERR When using MIGRATE KEYS option, the key argument must be set to the empty "
                "string"));
    CHECK(s.cmd({"MIGRATE", "127.0.0.1", "1", "k", "0"}) ==
          error("ERR wrong number of arguments for 'migrate' command"));
    CHECK(s.cmd({"COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "10", "KEYS", "a", "b"}) ==
          bulks({"a", "b"}));
    CHECK(s.cmd({"GET", "k"}) == bulk("v"));
}

TEST_CASE("MIGRATE to another db SELECTs it; AUTH and AUTH2 reach the target's ACL") {
    ServerProcess src;
    ServerProcess dst(ServerOptions{{"--requirepass", "secret"}, "", true, "secret"});
    Conn s = src.connect(), d = dst.connect();
    REQUIRE(d.cmd({"AUTH", "secret"}) == ok());
    REQUIRE(s.cmd({"SET", "k", "1"}) == ok());
    CHECK(s.cmd(migrate(dst.port(), "k", "3")) ==
          error("ERR Target instance replied with error: NOAUTH Authentication required."));
    CHECK(s.cmd(migrate(dst.port(), "k", "3", "5000", {"AUTH", "wrong"})) ==
          error("ERR Target instance replied with error: WRONGPASS invalid username-password "
                "pair or user is disabled."));
    CHECK(s.cmd({"EXISTS", "k"}) == integer(1));
    CHECK(s.cmd(migrate(dst.port(), "k", "3", "5000", {"AUTH", "secret"})) == ok());
    REQUIRE(d.cmd({"SELECT", "3"}) == ok());
    CHECK(d.cmd({"GET", "k"}) == bulk("1"));
    REQUIRE(s.cmd({"SET", "k2", "2"}) == ok());
    CHECK(s.cmd(migrate(dst.port(), "k2", "3", "5000", {"AUTH2", "default", "secret"})) == ok());
    CHECK(d.cmd({"GET", "k2"}) == bulk("2"));
    REQUIRE(s.cmd({"SET", "k3", "3"}) == ok());
    CHECK(s.cmd(migrate(dst.port(), "k3", "99", "5000", {"AUTH", "secret"})) ==
          error("ERR Target instance replied with error: ERR DB index is out of range"));
    CHECK(s.cmd({"EXISTS", "k3"}) == integer(1));
}

TEST_CASE("MIGRATE I/O errors: nobody listening -> writing; a silent target -> reading") {
    ServerProcess src, dst;
    Conn s = src.connect();
    REQUIRE(s.cmd({"SET", "k", "v"}) == ok());
    int closed_port = next_port();
    REQUIRE(port_is_free(closed_port));
    CHECK(s.cmd(migrate(closed_port, "k", "0", "500")) ==
          error("IOERR error or timeout writing to target instance"));
    CHECK(s.cmd({"MIGRATE", "no-such-host.invalid", "6379", "k", "0", "500"}) ==
          error("IOERR error or timeout connecting to the client"));
    dst.pause_process();
    auto t0 = now_ms();
    CHECK(s.cmd(migrate(dst.port(), "k", "0", "300")) ==
          error("IOERR error or timeout reading to target instance"));
    CHECK(now_ms() - t0 >= 250);
    dst.resume_process();
    // The key stays on the source (the target may have it too: Redis' documented outcome).
    CHECK(s.cmd({"GET", "k"}) == bulk("v"));
    // The broken cached connection is replaced: the next MIGRATE succeeds.
    REQUIRE(s.cmd({"SET", "k2", "v2"}) == ok());
    CHECK(s.cmd(migrate(dst.port(), "k2")) == ok());
}

TEST_CASE("MIGRATE retries once when the cached connection was closed by the target") {
    ServerProcess src, dst;
    Conn s = src.connect(), d = dst.connect();
    REQUIRE(s.cmd({"SET", "a", "1"}) == ok());
    REQUIRE(s.cmd(migrate(dst.port(), "a")) == ok());
    // Closes the source's cached connection (every other normal client of the target).
    REQUIRE(d.cmd({"CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"}).type ==
            Reply::Type::Int);
    REQUIRE(s.cmd({"SET", "b", "2"}) == ok());
    CHECK(s.cmd(migrate(dst.port(), "b")) == ok());
    CHECK(d.cmd({"MGET", "a", "b"}) == bulks({"1", "2"}));
}

TEST_CASE("MIGRATE reaches the source's replicas as DEL of the keys that moved") {
    ServerProcess src, dst, replica;
    Conn s = src.connect(), r = replica.connect();
    REQUIRE(r.cmd({"REPLICAOF", "127.0.0.1", std::to_string(src.port())}) == ok());
    REQUIRE(s.cmd({"MSET", "a", "1", "b", "2", "c", "3"}) == ok());
    REQUIRE(wait_until([&] { return r.cmd({"DBSIZE"}) == integer(3); }, 10000ms));
    CHECK(s.cmd(migrate(dst.port(), "", "0", "5000", {"KEYS", "a", "b"})) == ok());
    CHECK(s.cmd(migrate(dst.port(), "c", "0", "5000", {"COPY"})) == ok());
    REQUIRE(wait_until([&] { return r.cmd({"DBSIZE"}) == integer(1); }, 10000ms));
    CHECK(r.cmd({"GET", "c"}) == bulk("3"));
}

TEST_CASE("MIGRATE: a command on a key in flight waits for the outcome and sees it") {
    ServerProcess src, dst;
    Conn s = src.connect(), s2 = src.connect();
    RawConn raw = src.raw();
    REQUIRE(s.cmd({"SET", "moving", "v"}) == ok());
    REQUIRE(s.cmd({"SET", "other", "o"}) == ok());
    dst.pause_process();  // the exchange now lasts until the timeout
    std::string port = std::to_string(dst.port());
    REQUIRE(raw.send("*6\r\n$7\r\nMIGRATE\r\n$9\r\n127.0.0.1\r\n$" +
                     std::to_string(port.size()) + "\r\n" + port +
                     "\r\n$6\r\nmoving\r\n$1\r\n0\r\n$4\r\n1500\r\n"));
    std::this_thread::sleep_for(200ms);
    auto t0 = now_ms();
    if (is_slotcache(s2)) {
        // Redis blocks every client during MIGRATE; slotcache only those naming the key.
        CHECK(s2.cmd({"GET", "other"}) == bulk("o"));
        CHECK(now_ms() - t0 < 500);
    }
    CHECK(s2.cmd({"GET", "moving"}) == bulk("v"));  // after the IOERR: still here
    CHECK(now_ms() - t0 >= 1000);
    CHECK(raw.read() == error("IOERR error or timeout reading to target instance"));
    dst.resume_process();
    CHECK(s.cmd(migrate(dst.port(), "moving", "0", "5000", {"REPLACE"})) == ok());
    CHECK(s2.cmd({"GET", "moving"}) == nil());
}
