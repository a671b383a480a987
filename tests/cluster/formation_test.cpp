// Cluster formation and introspection: masters introduced by CLUSTER MEET and given slots by
// CLUSTER ADDSLOTSRANGE reach cluster_state:ok and one shared view; the shapes of CLUSTER INFO,
// CLUSTER SLOTS, CLUSTER SHARDS, CLUSTER NODES, INFO cluster/keyspace; conf/cluster.conf loads.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <unistd.h>

#include "cluster/cluster_harness.h"

using namespace slotcache::ctest;
using slotcache::itest::bulk;
using slotcache::itest::error;
using slotcache::itest::integer;
using slotcache::itest::ok;

namespace {

bool is_hex40(const std::string& s) {
    return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Finds conf/cluster.conf from the working directory or the test binary upwards ("" if absent).
std::string find_cluster_conf() { return slotcache::itest::find_in_repo("conf/cluster.conf"); }

}  // namespace

TEST_CASE("formation: 6 masters joined by MEET + ADDSLOTSRANGE reach cluster_state:ok, agree") {
    TestCluster c(6);
    c.meet_all();
    c.add_slots_evenly();
    INFO(c.dump());
    REQUIRE(c.wait_state("ok", 20000ms));
    std::string why;
    bool agreed = c.wait_agreement(15000ms);
    if (!agreed) {
        c.agree(c.all(), &why);
    }
    INFO(why);
    REQUIRE(agreed);

    // Every node: 6 distinct 40-hex ids, itself flagged myself,master with its own range, all
    // 16384 slots assigned and ok.
    std::set<std::string> ids;
    for (size_t i = 0; i < c.size(); i++) {
        auto lines = c.node(i).nodes();
        REQUIRE(lines.size() == 6);
        for (const auto& l : lines) {
            CHECK(is_hex40(l.id));
            CHECK(l.master == "-");
            CHECK(l.has_flag("master"));
            // No ",hostname" suffix: Redis 7.0 prints it only when a hostname is announced.
            CHECK(l.address ==
                  "127.0.0.1:" + std::to_string(l.port) + "@" + std::to_string(l.port + 10000));
            if (l.has_flag("myself")) {
                CHECK(l.port == c.node(i).port());
                CHECK(l.id == c.node(i).myid());
                auto [lo, hi] = even_range(i, 6);
                CHECK(l.slots == std::vector<std::string>{std::to_string(lo) + "-" +
                                                          std::to_string(hi)});
                ids.insert(l.id);
            }
        }
        auto ci = c.node(i).cluster_info();
        CHECK(ci["cluster_state"] == "ok");
        CHECK(ci["cluster_slots_assigned"] == "16384");
        CHECK(ci["cluster_slots_ok"] == "16384");
        CHECK(ci["cluster_known_nodes"] == "6");
        CHECK(ci["cluster_size"] == "6");
    }
    CHECK(ids.size() == 6);

    // ADDSLOTS gives every master configEpoch 0; the collision rule then makes them distinct.
    bool distinct = slotcache::itest::wait_until(
        [&] {
            std::set<long long> epochs;
            for (const auto& l : c.node(0).nodes()) {
                epochs.insert(l.config_epoch);
            }
            return epochs.size() == 6;
        },
        15000ms, 50ms);
    INFO(c.node(0).cmd({"CLUSTER", "NODES"}).str);
    CHECK(distinct);
}

TEST_CASE("introspection: CLUSTER INFO fields, in Redis' order, with consistent message counters") {
    TestCluster c(3);
    c.form();
    std::string text = c.node(0).cmd({"CLUSTER", "INFO"}).str;
    INFO(text);
    const char* first[] = {"cluster_state:ok",        "cluster_slots_assigned:16384",
                           "cluster_slots_ok:16384",  "cluster_slots_pfail:0",
                           "cluster_slots_fail:0",    "cluster_known_nodes:3",
                           "cluster_size:3"};
    size_t pos = 0;
    for (const char* line : first) {
        CHECK(text.compare(pos, std::string(line).size() + 2, std::string(line) + "\r\n") == 0);
        pos = text.find("\r\n", pos) + 2;
    }
    auto f = parse_fields(text);
    long long current = std::stoll(f["cluster_current_epoch"]);
    long long mine = std::stoll(f["cluster_my_epoch"]);
    CHECK(current >= mine);
    CHECK(mine >= 0);
    // The totals are the sums of the per-type counters, and a formed cluster has exchanged some.
    long long sent = 0;
    long long received = 0;
    for (const auto& [k, v] : f) {
        if (k.rfind("cluster_stats_messages_", 0) != 0 || k == "cluster_stats_messages_sent" ||
            k == "cluster_stats_messages_received") {
            continue;
        }
        if (k.size() > 5 && k.compare(k.size() - 5, 5, "_sent") == 0) {
            sent += std::stoll(v);
        } else if (k.size() > 9 && k.compare(k.size() - 9, 9, "_received") == 0) {
            received += std::stoll(v);
        }
    }
    CHECK(std::stoll(f["cluster_stats_messages_sent"]) == sent);
    CHECK(std::stoll(f["cluster_stats_messages_received"]) == received);
    CHECK(sent > 0);
    CHECK(received > 0);
    CHECK(f.count("cluster_stats_messages_ping_sent") == 1);
    CHECK(f.count("cluster_stats_messages_pong_received") == 1);
    CHECK(f.count("total_cluster_links_buffer_limit_exceeded") == 1);
}

TEST_CASE("introspection: CLUSTER SLOTS lists each range as [start, end, [ip, port, id, []]]") {
    TestCluster c(3);
    c.form();
    auto r = c.node(1).cmd({"CLUSTER", "SLOTS"});
    INFO(r);
    REQUIRE(r.type == Reply::Type::Array);
    REQUIRE(r.elements.size() == 3);
    long long next = 0;
    for (size_t i = 0; i < 3; i++) {
        const Reply& e = r.elements[i];
        REQUIRE(e.elements.size() == 3);
        auto [lo, hi] = even_range(i, 3);
        CHECK(e.elements[0] == integer(lo));
        CHECK(e.elements[1] == integer(hi));
        CHECK(e.elements[0].integer == next);
        next = e.elements[1].integer + 1;
        const Reply& n = e.elements[2];
        REQUIRE(n.elements.size() == 4);
        CHECK(n.elements[0] == bulk("127.0.0.1"));
        CHECK(n.elements[1] == integer(c.node(i).port()));
        CHECK(n.elements[2] == bulk(c.node(i).myid()));
        CHECK(n.elements[3] == slotcache::itest::array({}));
    }
    CHECK(next == 16384);
}

TEST_CASE("introspection: CLUSTER SHARDS gives each master's slots and node fields") {
    TestCluster c(3);
    c.form();
    auto r = c.node(2).cmd({"CLUSTER", "SHARDS"});
    INFO(r);
    REQUIRE(r.type == Reply::Type::Array);
    REQUIRE(r.elements.size() == 3);
    std::set<std::string> seen;
    for (const Reply& shard : r.elements) {
        REQUIRE(shard.field("slots") != nullptr);
        REQUIRE(shard.field("nodes") != nullptr);
        const Reply& slots = *shard.field("slots");
        REQUIRE(slots.elements.size() == 2);
        const Reply& nodes = *shard.field("nodes");
        REQUIRE(nodes.elements.size() == 1);
        const Reply& n = nodes.elements[0];
        REQUIRE(n.field("port") != nullptr);
        REQUIRE(n.field("id") != nullptr);
        size_t i = 0;
        while (i < 3 && c.node(i).port() != n.field("port")->integer) {
            i++;
        }
        REQUIRE(i < 3);
        auto [lo, hi] = even_range(i, 3);
        CHECK(slots == slotcache::itest::array({integer(lo), integer(hi)}));
        CHECK(*n.field("id") == bulk(c.node(i).myid()));
        CHECK(*n.field("ip") == bulk("127.0.0.1"));
        CHECK(*n.field("endpoint") == bulk("127.0.0.1"));
        CHECK(*n.field("role") == bulk("master"));
        CHECK(n.field("replication-offset")->type == Reply::Type::Int);
        CHECK(*n.field("health") == bulk("online"));
        // The field order of Redis 7.0 (no hostname is configured).
        std::vector<std::string> keys;
        for (size_t k = 0; k < n.elements.size(); k += 2) {
            keys.push_back(n.elements[k].str);
        }
        CHECK(keys == std::vector<std::string>{"id", "port", "ip", "endpoint", "role",
                                               "replication-offset", "health"});
        seen.insert(n.field("id")->str);
    }
    CHECK(seen.size() == 3);
}

TEST_CASE("introspection: CLUSTER SHARDS shows myself's live replication offset") {
    TestCluster c(2);
    c.meet_all();
    c.add_slots_evenly({0});
    REQUIRE(c.wait_state("ok"));
    REQUIRE(c.node(1).cmd({"CLUSTER", "REPLICATE", c.node(0).myid()}) == ok());
    Conn m = c.node(0).connect();
    Conn r = c.node(1).connect();
    auto offset = [](Conn& conn) {
        return slotcache::itest::info_int(conn, "replication", "master_repl_offset");
    };
    REQUIRE(slotcache::itest::wait_until(
        [&] { return slotcache::itest::info(r, "replication")["master_link_status"] == "up"; },
        15000ms));
    for (int i = 0; i < 20; i++) {
        REQUIRE(m.cmd({"SET", "k" + std::to_string(i), "v"}) == ok());
    }
    REQUIRE(slotcache::itest::wait_until([&] { return offset(r) == offset(m); }, 10000ms));
    // The node's own entry, as each node reports it (a PING may move the offset in between).
    auto own_offset = [](Conn& conn, const std::string& id) -> long long {
        Reply shards = conn.cmd({"CLUSTER", "SHARDS"});
        for (const Reply& shard : shards.elements) {
            for (const Reply& n : shard.field("nodes")->elements) {
                if (n.field("id")->str == id) {
                    return n.field("replication-offset")->integer;
                }
            }
        }
        return -1;
    };
    for (auto [conn, id] : {std::pair{&m, c.node(0).myid()}, std::pair{&r, c.node(1).myid()}}) {
        long long before = offset(*conn);
        long long shown = own_offset(*conn, id);
        long long after = offset(*conn);
        CHECK(before > 0);
        CHECK(shown >= before);
        CHECK(shown <= after);
    }
}

TEST_CASE("introspection: INFO cluster says cluster_enabled:1; an empty node has no db0 line") {
    TestCluster c(3);
    c.form();
    slotcache::itest::Conn conn = c.node(0).connect();
    CHECK(slotcache::itest::info(conn, "cluster")["cluster_enabled"] == "1");
    CHECK(conn.cmd({"INFO", "keyspace"}).str.find("db0") == std::string::npos);
    CHECK(conn.cmd({"DBSIZE"}) == integer(0));

    auto [lo, hi] = even_range(1, 3);
    std::string key = key_in_slots(lo, hi);
    CHECK(c.node(1).cmd({"SET", key, "v"}) == ok());
    CHECK(c.node(1).cmd({"INFO", "keyspace"}).str.find("db0:keys=1,expires=0,avg_ttl=0") !=
          std::string::npos);
    // Keys live only on their slot's master.
    CHECK(conn.cmd({"INFO", "keyspace"}).str.find("db0") == std::string::npos);
    int slot = key_slot(key);
    CHECK(c.node(1).cmd({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}) == integer(1));
    CHECK(c.node(1).cmd({"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "10"}) ==
          slotcache::itest::bulks({key}));
}

TEST_CASE("introspection: CLUSTER KEYSLOT is CRC16 of the key or of its first non-empty {tag}") {
    TestCluster c(1);
    for (const char* k : {"foo", "bar", "{user1000}.following", "{user1000}.followers",
                          "foo{}{bar}", "foo{{bar}}zap", "foo{bar}{zap}", "", "123456789"}) {
        INFO(k);
        CHECK(c.node(0).cmd({"CLUSTER", "KEYSLOT", k}) == integer(key_slot(k)));
    }
    CHECK(key_slot("123456789") == (0x31C3 & 16383));  // the CRC16-XMODEM check value
    CHECK(key_slot("{user1000}.following") == key_slot("{user1000}.followers"));
    CHECK(key_slot("foo{}{bar}") != key_slot("bar"));
    CHECK(key_slot("foo{{bar}}zap") == key_slot("{bar"));
}

TEST_CASE("config: conf/cluster.conf starts a cluster node in both servers") {
    std::string conf = find_cluster_conf();
    REQUIRE_MESSAGE(!conf.empty(), "conf/cluster.conf not found from the working directory");
    ClusterOptions o;
    o.config_file = conf;
    TestCluster c(1, o);
    slotcache::itest::Conn conn = c.node(0).connect();
    CHECK(slotcache::itest::info(conn, "cluster")["cluster_enabled"] == "1");
    CHECK(conn.cmd({"CONFIG", "GET", "cluster-config-file"}) ==
          slotcache::itest::bulks({"cluster-config-file", "nodes.conf"}));
    CHECK(conn.cmd({"CONFIG", "GET", "appendonly"}) ==
          slotcache::itest::bulks({"appendonly", "no"}));
    CHECK(c.node(0).cluster_info()["cluster_state"] == "fail");  // no slots yet
    CHECK(std::filesystem::exists(c.node(0).dir() + "/nodes.conf"));
}
