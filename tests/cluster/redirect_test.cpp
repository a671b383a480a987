// Routing as a client sees it: every key class against every node of a 3-master cluster. A key
// owned elsewhere -> MOVED; keys in different slots -> CROSSSLOT; keys sharing a {tag} on their
// owner -> served; keyless commands -> served anywhere; an unassigned slot -> CLUSTERDOWN Hash
// slot not served, and with cluster-require-full-coverage yes every served slot -> CLUSTERDOWN The
// cluster is down; SELECT refused.
#include <doctest/doctest.h>

#include <string>

#include "cluster/cluster_harness.h"

using namespace slotcache::ctest;
using slotcache::itest::bulk;
using slotcache::itest::bulks;
using slotcache::itest::error;
using slotcache::itest::integer;
using slotcache::itest::nil;
using slotcache::itest::ok;
using slotcache::itest::status;

namespace {

std::string moved(const std::string& key, const ClusterNode& owner) {
    return "MOVED " + std::to_string(key_slot(key)) + " 127.0.0.1:" + std::to_string(owner.port());
}

const char* kCrossSlot = "CROSSSLOT Keys in request don't hash to the same slot";

}  // namespace

TEST_CASE("redirects: a key owned by another node gets MOVED <slot> 127.0.0.1:<port> anywhere") {
    TestCluster c(3);
    c.form();
    for (size_t owner = 0; owner < 3; owner++) {
        auto [lo, hi] = even_range(owner, 3);
        std::string key = key_in_slots(lo, hi, "user:");
        CAPTURE(key);
        CHECK(c.owner(key_slot(key)) == static_cast<int>(owner));
        CHECK(c.node(owner).cmd({"SET", key, "v" + key}) == ok());
        CHECK(c.node(owner).cmd({"GET", key}) == bulk("v" + key));
        for (size_t other = 0; other < 3; other++) {
            if (other == owner) {
                continue;
            }
            CAPTURE(other);
            ClusterNode& n = c.node(other);
            std::string want = moved(key, c.node(owner));
            CHECK(n.cmd({"GET", key}) == error(want));
            CHECK(n.cmd({"SET", key, "x"}) == error(want));
            CHECK(n.cmd({"DEL", key}) == error(want));
            CHECK(n.cmd({"EXISTS", key}) == error(want));
            CHECK(n.cmd({"EXPIRE", key, "100"}) == error(want));
            CHECK(n.cmd({"INCR", key}) == error(want));
            // A missing key is routed the same way: the slot decides, not the key's presence.
            std::string absent = key_in_slots(lo, hi, "absent:");
            CHECK(n.cmd({"GET", absent}) == error(moved(absent, c.node(owner))));
        }
        // The value was not touched by the redirected writes.
        CHECK(c.node(owner).cmd({"GET", key}) == bulk("v" + key));
    }
}

TEST_CASE("redirects: multi-key commands across slots get CROSSSLOT on every node") {
    TestCluster c(3);
    c.form();
    auto [lo0, hi0] = even_range(0, 3);
    std::string a = key_in_slots(lo0, hi0, "a:");
    std::string b = key_in_slots(lo0, hi0, "b:");
    REQUIRE(key_slot(a) != key_slot(b));  // same owner, different slots: still CROSSSLOT
    auto [lo2, hi2] = even_range(2, 3);
    std::string z = key_in_slots(lo2, hi2, "z:");
    for (size_t i = 0; i < 3; i++) {
        CAPTURE(i);
        ClusterNode& n = c.node(i);
        CHECK(n.cmd({"MSET", a, "1", b, "2"}) == error(kCrossSlot));
        CHECK(n.cmd({"MGET", a, z}) == error(kCrossSlot));
        CHECK(n.cmd({"DEL", a, b, z}) == error(kCrossSlot));
        CHECK(n.cmd({"EXISTS", b, z}) == error(kCrossSlot));
        CHECK(n.cmd({"MSETNX", a, "1", z, "2"}) == error(kCrossSlot));
        CHECK(n.cmd({"RENAME", a, z}) == error(kCrossSlot));
    }
    CHECK(c.node(0).cmd({"EXISTS", a, b}) == error(kCrossSlot));
    CHECK(c.node(0).cmd({"DBSIZE"}) == integer(0));  // nothing was written
}

TEST_CASE("redirects: keys with the same {tag} work on their owner and are MOVED elsewhere") {
    TestCluster c(3);
    c.form();
    std::string tag = "{user1000}";
    int slot = key_slot(tag + ".following");
    int owner = c.owner(slot);
    REQUIRE(owner >= 0);
    ClusterNode& o = c.node(owner);
    std::string k1 = tag + ".following";
    std::string k2 = tag + ".followers";
    std::string k3 = "prefix" + tag + "suffix";
    CHECK(o.cmd({"MSET", k1, "1", k2, "2", k3, "3"}) == ok());
    CHECK(o.cmd({"MGET", k1, k2, k3, tag + ".missing"}) ==
          slotcache::itest::array({bulk("1"), bulk("2"), bulk("3"), nil()}));
    CHECK(o.cmd({"EXISTS", k1, k2, k3}) == integer(3));
    CHECK(o.cmd({"RENAME", k3, tag + ".renamed"}) == ok());
    CHECK(o.cmd({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}) == integer(3));
    CHECK(o.cmd({"DEL", k1, k2, tag + ".renamed"}) == integer(3));
    for (size_t i = 0; i < 3; i++) {
        if (static_cast<int>(i) == owner) {
            continue;
        }
        CAPTURE(i);
        std::string want = "MOVED " + std::to_string(slot) + " 127.0.0.1:" +
                           std::to_string(o.port());
        CHECK(c.node(i).cmd({"MSET", k1, "1", k2, "2"}) == error(want));
        CHECK(c.node(i).cmd({"MGET", k1, k2}) == error(want));
    }
}

TEST_CASE("redirects: keyless commands are served by every node") {
    TestCluster c(3);
    c.form();
    auto [lo, hi] = even_range(1, 3);
    std::string key = key_in_slots(lo, hi);
    REQUIRE(c.node(1).cmd({"SET", key, "v"}) == ok());
    for (size_t i = 0; i < 3; i++) {
        CAPTURE(i);
        ClusterNode& n = c.node(i);
        CHECK(n.cmd({"PING"}) == status("PONG"));
        CHECK(n.cmd({"ECHO", "hi"}) == bulk("hi"));
        CHECK(n.cmd({"DBSIZE"}) == integer(i == 1 ? 1 : 0));  // this node's keys only
        CHECK(n.cmd({"KEYS", "*"}) == (i == 1 ? bulks({key}) : bulks({})));
        CHECK(n.cmd({"TIME"}).type == Reply::Type::Array);
        CHECK(n.cmd({"CLUSTER", "INFO"}).type == Reply::Type::Str);
        CHECK(n.cmd({"INFO", "server"}).type == Reply::Type::Str);
        CHECK(n.cmd({"COMMAND", "COUNT"}).type == Reply::Type::Int);
        CHECK(n.cmd({"CONFIG", "GET", "cluster-enabled"}) == bulks({"cluster-enabled", "yes"}));
    }
}

TEST_CASE("redirects: SELECT 1 is refused in cluster mode, SELECT 0 is accepted") {
    TestCluster c(1);
    CHECK(c.node(0).cmd({"SELECT", "1"}) == error("ERR SELECT is not allowed in cluster mode"));
    CHECK(c.node(0).cmd({"SELECT", "0"}) == ok());
}

TEST_CASE("redirects: an unassigned slot -> CLUSTERDOWN Hash slot not served "
          "(cluster-require-full-coverage no)") {
    ClusterOptions o;
    o.require_full_coverage = false;
    TestCluster c(3, o);
    c.form();
    auto [lo, hi] = even_range(0, 3);
    std::string gone = key_in_slots(lo, hi, "gone:");
    std::string kept = key_in_slots(key_slot(gone) + 1, hi, "kept:");
    std::string s = std::to_string(key_slot(gone));
    // The owner drops the slot first, so no ping of it puts the slot back in the others' view.
    CHECK(c.node(0).cmd({"CLUSTER", "DELSLOTS", s}) == ok());
    CHECK(c.node(1).cmd({"CLUSTER", "DELSLOTS", s}) == ok());
    CHECK(c.node(2).cmd({"CLUSTER", "DELSLOTS", s}) == ok());
    CHECK(c.node(0).cmd({"CLUSTER", "DELSLOTS", s}) ==
          error("ERR Slot " + s + " is already unassigned"));
    for (size_t i = 0; i < 3; i++) {
        CAPTURE(i);
        CHECK(c.node(i).cmd({"GET", gone}) == error("CLUSTERDOWN Hash slot not served"));
        CHECK(c.node(i).cmd({"SET", gone, "v"}) == error("CLUSTERDOWN Hash slot not served"));
        CHECK(c.node(i).cluster_info()["cluster_state"] == "ok");
        CHECK(c.node(i).cluster_info()["cluster_slots_assigned"] == "16383");
    }
    // The rest of the cluster keeps serving.
    CHECK(c.node(0).cmd({"SET", kept, "v"}) == ok());
    CHECK(c.node(1).cmd({"GET", kept}) == error(moved(kept, c.node(0))));
    CHECK(c.node(0).cmd({"PING"}) == status("PONG"));
}

TEST_CASE("redirects: an unassigned slot with full coverage -> cluster_state:fail, CLUSTERDOWN The "
          "cluster is down for served slots") {
    TestCluster c(3);
    c.form();
    auto [lo, hi] = even_range(2, 3);
    std::string gone = key_in_slots(lo, hi, "gone:");
    std::string s = std::to_string(key_slot(gone));
    CHECK(c.node(2).cmd({"CLUSTER", "DELSLOTS", s}) == ok());
    CHECK(c.node(0).cmd({"CLUSTER", "DELSLOTS", s}) == ok());
    CHECK(c.node(1).cmd({"CLUSTER", "DELSLOTS", s}) == ok());
    INFO(c.dump());
    REQUIRE(c.wait_state("fail", 10000ms));
    auto [lo0, hi0] = even_range(0, 3);
    std::string own = key_in_slots(lo0, hi0, "own:");
    for (size_t i = 0; i < 3; i++) {
        CAPTURE(i);
        // Redis checks the slot's owner before the cluster state (getNodeByQuery).
        CHECK(c.node(i).cmd({"GET", gone}) == error("CLUSTERDOWN Hash slot not served"));
        CHECK(c.node(i).cmd({"GET", own}) == error("CLUSTERDOWN The cluster is down"));
        CHECK(c.node(i).cmd({"SET", own, "v"}) == error("CLUSTERDOWN The cluster is down"));
        CHECK(c.node(i).cmd({"PING"}) == status("PONG"));  // keyless: still served
    }
    // Giving the slot back to its owner brings the cluster back.
    CHECK(c.node(2).cmd({"CLUSTER", "ADDSLOTS", s}) == ok());
    CHECK(c.wait_state("ok", 15000ms));
    CHECK(c.node(0).cmd({"SET", own, "v"}) == ok());
}
