// Clients blocked on a list in cluster mode (server/blocking.cpp, step 5): when the key's slot
// stops being served by the node, the client is unblocked with the redirect Redis 7.0 gives
// (clusterRedirectBlockedClientIfNeeded): -MOVED <slot> <ip:port> of the new owner.
#include <doctest/doctest.h>

#include <string>

#include "cluster/cluster_harness.h"

using namespace slotcache::ctest;
using slotcache::itest::error;
using slotcache::itest::info_int;
using slotcache::itest::ok;
using slotcache::itest::wait_until;

TEST_CASE("blocking: a BLPOP whose slot moves to another node is answered -MOVED") {
    TestCluster c(3);
    c.form();
    auto [lo, hi] = even_range(0, 3);
    std::string key = key_in_slots(lo, hi, "queue:");
    std::string slot = std::to_string(key_slot(key));
    ClusterNode& src = c.node(0);
    ClusterNode& dst = c.node(1);
    slotcache::itest::Conn admin = src.connect();
    slotcache::itest::RawConn blocked(src.port());
    REQUIRE(blocked.send("*3\r\n$5\r\nBLPOP\r\n$" + std::to_string(key.size()) + "\r\n" + key +
                         "\r\n$1\r\n0\r\n"));
    REQUIRE(wait_until([&] { return info_int(admin, "clients", "blocked_clients") == 1; }));
    REQUIRE(dst.cmd({"CLUSTER", "SETSLOT", slot, "NODE", dst.myid()}) == ok());
    REQUIRE(src.cmd({"CLUSTER", "SETSLOT", slot, "NODE", dst.myid()}) == ok());
    CHECK(blocked.read() == error("MOVED " + slot + " 127.0.0.1:" + std::to_string(dst.port())));
    CHECK(info_int(admin, "clients", "blocked_clients") == 0);
}
