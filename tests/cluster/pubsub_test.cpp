// Pub/sub in cluster mode: PUBLISH fans out to every node over the bus; sharded pub/sub
// (SSUBSCRIBE / SPUBLISH) is routed by the channel's slot (MOVED, CROSSSLOT, served by the slot
// master's replicas without READONLY) and its messages reach only the nodes of that shard; a
// slot that leaves its shard unsubscribes its shard channels' subscribers with `sunsubscribe`,
// as Redis 7.0 does. Passes against Debian's redis-server 7.0 too
// (SLOTCACHE_SERVER=/usr/bin/redis-server).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cluster/cluster_harness.h"

using namespace slotcache::ctest;
using slotcache::itest::error;
using slotcache::itest::integer;
using slotcache::itest::ok;
using slotcache::itest::RawConn;
using slotcache::itest::wait_until;

namespace {

std::string resp(const Args& args) {
    std::string s = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) {
        s += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    }
    return s;
}

std::string bstr(const std::string& s) {
    return "$" + std::to_string(s.size()) + "\r\n" + s + "\r\n";
}

std::string push3(const std::string& kind, const std::string& a, const std::string& b) {
    return "*3\r\n" + bstr(kind) + bstr(a) + b;
}

std::string message(const std::string& kind, const std::string& ch, const std::string& msg) {
    return push3(kind, ch, bstr(msg));
}

std::string count(long long n) {
    return ":" + std::to_string(n) + "\r\n";
}

// Sends one command on a raw connection and returns its first reply's bytes.
std::string send(RawConn& c, const Args& args) {
    if (!c.send(resp(args))) {
        return "<send failed>";
    }
    return c.read_raw(5000ms);
}

bool link_up(ClusterNode& n) {
    Reply r = n.cmd({"INFO", "replication"});
    return r.str.find("master_link_status:up") != std::string::npos;
}

// Masters 0..2 take the slots evenly; node 3 replicates master 0, node 4 master 1.
void form_3_plus_2(TestCluster& c) {
    c.meet_all();
    c.add_slots_evenly({0, 1, 2});
    REQUIRE(c.wait_state("ok", 20000ms));
    REQUIRE(c.wait_agreement(20000ms));
    for (auto [replica, master] : std::vector<std::pair<size_t, size_t>>{{3, 0}, {4, 1}}) {
        Reply rep = c.node(replica).cmd({"CLUSTER", "REPLICATE", c.node(master).myid()});
        REQUIRE_MESSAGE(rep.str == "OK", rep.to_string());
    }
    for (size_t r : {3, 4}) {
        REQUIRE_MESSAGE(wait_until([&] { return link_up(c.node(r)); }, 20000ms, 50ms), c.dump());
    }
    REQUIRE_MESSAGE(c.wait_agreement(20000ms), c.dump());
}

std::string moved(int slot, ClusterNode& owner) {
    return "MOVED " + std::to_string(slot) + " 127.0.0.1:" + std::to_string(owner.port());
}

long long publishshard_received(ClusterNode& n) {
    auto info = n.cluster_info();
    auto it = info.find("cluster_stats_messages_publishshard_received");
    return it == info.end() ? 0 : std::stoll(it->second);
}

}  // namespace

TEST_CASE("pubsub cluster: PUBLISH reaches every node; SPUBLISH only the channel's shard") {
    TestCluster c(5);
    form_3_plus_2(c);

    // ---- PUBLISH: subscribers on the other nodes, replicas included, get the message.
    std::vector<RawConn> subs;
    for (size_t i : {1, 2, 3, 4}) {
        subs.push_back(RawConn(c.node(i).port()));
        CHECK(send(subs.back(), {"SUBSCRIBE", "news"}) == push3("subscribe", "news", count(1)));
    }
    // The count is this node's receivers only, as in Redis.
    CHECK(c.node(0).cmd({"PUBLISH", "news", "hello"}) == integer(0));
    for (auto& s : subs) {
        CHECK(s.read_raw(5000ms) == message("message", "news", "hello"));
    }
    // From a replica too.
    CHECK(c.node(4).cmd({"PUBLISH", "news", "from-replica"}) == integer(1));
    for (auto& s : subs) {
        CHECK(s.read_raw(5000ms) == message("message", "news", "from-replica"));
    }

    // ---- Sharded: routed by the channel's slot.
    auto [lo0, hi0] = even_range(0, 3);
    auto [lo1, hi1] = even_range(1, 3);
    std::string cha = key_in_slots(lo0, hi0, "cha:");  // served by master 0 (and replica 3)
    std::string chb = key_in_slots(lo1, hi1, "chb:");  // served by master 1 (and replica 4)
    RawConn on_master(c.node(0).port()), on_replica(c.node(3).port()), other(c.node(1).port());
    CHECK(send(on_master, {"SSUBSCRIBE", cha}) == push3("ssubscribe", cha, count(1)));
    // A replica of the slot's master serves it without READONLY.
    CHECK(send(on_replica, {"SSUBSCRIBE", cha}) == push3("ssubscribe", cha, count(1)));
    CHECK(send(other, {"SSUBSCRIBE", cha}) == "-" + moved(key_slot(cha), c.node(0)) + "\r\n");
    CHECK(c.node(4).cmd({"SPUBLISH", cha, "x"}) == error(moved(key_slot(cha), c.node(0))));
    CHECK(send(other, {"SSUBSCRIBE", chb, cha}) ==
          "-CROSSSLOT Keys in request don't hash to the same slot\r\n");
    CHECK(send(other, {"SSUBSCRIBE", chb}) == push3("ssubscribe", chb, count(1)));

    long long other_shard_before = publishshard_received(c.node(1));
    CHECK(c.node(0).cmd({"SPUBLISH", cha, "s1"}) == integer(1));
    CHECK(on_master.read_raw(5000ms) == message("smessage", cha, "s1"));
    CHECK(on_replica.read_raw(5000ms) == message("smessage", cha, "s1"));
    // SPUBLISH on the replica reaches its master's subscribers.
    CHECK(c.node(3).cmd({"SPUBLISH", cha, "s2"}) == integer(1));
    CHECK(on_replica.read_raw(5000ms) == message("smessage", cha, "s2"));
    CHECK(on_master.read_raw(5000ms) == message("smessage", cha, "s2"));
    // The other shard heard nothing: no shard message reached node 1, and its subscriber of
    // its own shard channel got nothing.
    CHECK(publishshard_received(c.node(1)) == other_shard_before);
    CHECK(other.read_some(300ms).empty());
    CHECK(c.node(1).cmd({"SPUBLISH", chb, "b"}) == integer(1));
    CHECK(other.read_raw(5000ms) == message("smessage", chb, "b"));
    CHECK(on_replica.read_some(300ms).empty());
}

TEST_CASE("pubsub cluster: a slot moved away unsubscribes its shard channels (sunsubscribe)") {
    TestCluster c(4);
    c.meet_all();
    c.add_slots_evenly({0, 1, 2});
    REQUIRE(c.wait_state("ok", 20000ms));
    REQUIRE(c.wait_agreement(20000ms));
    REQUIRE(c.node(3).cmd({"CLUSTER", "REPLICATE", c.node(0).myid()}) == ok());
    REQUIRE(wait_until([&] { return link_up(c.node(3)); }, 20000ms, 50ms));
    REQUIRE(c.wait_agreement(20000ms));

    auto [lo, hi] = even_range(0, 3);
    std::string moving = key_in_slots(lo, hi, "mv:");
    std::string staying;
    for (int i = 0; staying.empty() || key_slot(staying) == key_slot(moving); i++) {
        staying = key_in_slots(lo, hi, "st" + std::to_string(i) + ":");
    }
    int slot = key_slot(moving);
    RawConn m(c.node(0).port()), r(c.node(3).port());
    CHECK(send(m, {"SSUBSCRIBE", moving}) == push3("ssubscribe", moving, count(1)));
    CHECK(send(m, {"SSUBSCRIBE", staying}) == push3("ssubscribe", staying, count(2)));
    CHECK(send(r, {"SSUBSCRIBE", moving}) == push3("ssubscribe", moving, count(1)));

    // The slot (no keys) goes to master 1 as redis-cli moves one: IMPORTING on the target, then
    // SETSLOT NODE on the target (which bumps its config epoch, so every node accepts its
    // claim), the source and the others.
    REQUIRE(c.node(1).cmd({"CLUSTER", "SETSLOT", std::to_string(slot), "IMPORTING",
                           c.node(0).myid()}) == ok());
    for (size_t i : {1, 0, 2}) {
        REQUIRE(c.node(i).cmd({"CLUSTER", "SETSLOT", std::to_string(slot), "NODE",
                               c.node(1).myid()}) == ok());
    }
    CHECK(m.read_raw(5000ms) == push3("sunsubscribe", moving, count(1)));
    // The replica learns the new owner by gossip.
    CHECK(r.read_raw(10000ms) == push3("sunsubscribe", moving, count(0)));
    // The other channel of the old owner stays.
    CHECK(c.node(0).cmd({"SPUBLISH", staying, "still"}) == integer(1));
    CHECK(m.read_raw(5000ms) == message("smessage", staying, "still"));
    CHECK(send(m, {"SSUBSCRIBE", moving}) == "-" + moved(slot, c.node(1)) + "\r\n");
    CHECK(c.node(1).cmd({"PUBSUB", "SHARDNUMSUB", moving}) ==
          slotcache::itest::array({slotcache::itest::bulk(moving), integer(0)}));
}
