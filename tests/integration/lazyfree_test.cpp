// Lazy free end to end: FLUSHALL / FLUSHDB ASYNC of many keys through the background thread
// (INFO lazyfree_pending_objects / lazyfreed_objects, used_memory back down), UNLINK of small
// values freed at once, and UNLINK of a big set when the server has sets. Checked against
// Debian's redis-server 7.0.15 (SLOTCACHE_SERVER=/usr/bin/redis-server).
#include <doctest/doctest.h>

#include <string>

#include "integration/harness.h"

using namespace slotcache::itest;

namespace {

long long lazyfreed(Conn& c) {
    return info_int(c, "memory", "lazyfreed_objects");
}

}  // namespace

TEST_CASE("lazyfree: FLUSHALL ASYNC frees many keys off the loop and used_memory comes back") {
    ServerProcess srv;
    Conn c = srv.connect();
    CHECK(lazyfreed(c) == 0);
    CHECK(info_int(c, "memory", "lazyfree_pending_objects") == 0);
    long long base = info_int(c, "memory", "used_memory");
    CHECK(c.cmd({"DEBUG", "POPULATE", "200000", "key", "64"}) == ok());
    long long full = info_int(c, "memory", "used_memory");
    CHECK(full > base + 200000 * 64);
    CHECK(c.cmd({"FLUSHALL", "ASYNC"}) == ok());
    CHECK(c.cmd({"DBSIZE"}) == integer(0));
    CHECK(wait_until([&] { return lazyfreed(c) == 200000; }, 10000ms));
    CHECK(info_int(c, "memory", "lazyfree_pending_objects") == 0);
    // The freeing thread's frees are accounted: memory is back near where it started.
    CHECK(wait_until(
        [&] { return info_int(c, "memory", "used_memory") < base + (full - base) / 10; }));

    CHECK(c.cmd({"DEBUG", "POPULATE", "1000"}) == ok());
    CHECK(c.cmd({"FLUSHDB", "ASYNC"}) == ok());
    CHECK(wait_until([&] { return lazyfreed(c) == 201000; }, 10000ms));
    CHECK(c.cmd({"CONFIG", "RESETSTAT"}) == ok());
    CHECK(lazyfreed(c) == 0);
}

TEST_CASE("lazyfree: UNLINK and DEL of small values free at once") {
    ServerProcess srv({"--lazyfree-lazy-user-del", "yes"});
    Conn c = srv.connect();
    CHECK(c.cmd({"MSET", "a", "1", "b", std::string(1000, 'x')}) == ok());
    CHECK(c.cmd({"UNLINK", "a", "missing"}) == integer(1));
    CHECK(c.cmd({"DEL", "b"}) == integer(1));
    CHECK(lazyfreed(c) == 0);
    CHECK(c.cmd({"FLUSHALL", "ASYNC"}) == ok());  // empty: nothing handed over
    CHECK(lazyfreed(c) == 0);
}

TEST_CASE("lazyfree: UNLINK of a set above 64 elements goes to the background thread") {
    ServerProcess srv;
    Conn c = srv.connect();
    if (!has_command(c, "sadd"))
        return;  // sets arrive with issue 8's type families
    Args sadd{"SADD", "s"};
    for (int i = 0; i < 1000; i++)
        sadd.push_back("member:" + std::to_string(i));
    CHECK(c.cmd(sadd) == integer(1000));
    CHECK(c.cmd({"OBJECT", "ENCODING", "s"}) == bulk("hashtable"));
    CHECK(c.cmd({"UNLINK", "s"}) == integer(1));
    CHECK(wait_until([&] { return lazyfreed(c) == 1; }));
    // DEL frees synchronously unless lazyfree-lazy-user-del.
    CHECK(c.cmd(sadd) == integer(1000));
    CHECK(c.cmd({"DEL", "s"}) == integer(1));
    CHECK(lazyfreed(c) == 1);
}
