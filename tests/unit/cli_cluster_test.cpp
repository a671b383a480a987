// Unit tests for the pure parts of `slotcache-cli --cluster`: the --cluster option parsing,
// CLUSTER NODES reading and the config signature, and the planning that must match redis-cli
// 7.0's (create's slot ranges and replica placement, the reshard table, rebalance balances,
// --cluster-slots percentages), and the progress line's text. No sockets.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/cluster/nodes_text.h"
#include "cli/cluster/plan.h"
#include "cli/cluster/progress.h"
#include "cli/options.h"

using namespace slotcache::cli;
using namespace slotcache::cli::cluster;

namespace {

using Args = std::vector<std::string>;

const char* kNodes =
    "07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,host4 slave "
    "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected\n"
    "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 "
    "connected 5461-10922\n"
    "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@31003 master - 0 1426238318243 3 "
    "connected 10923-16383\n"
    "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 "
    "connected 0-5460 [5461-<-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1] "
    "[93->-292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f]\n";

}  // namespace

TEST_CASE("cluster options: --cluster takes the words up to the next option") {
    CliParse p = parse_cli_options({"--cluster", "create", "127.0.0.1:1", "127.0.0.1:2",
                                    "--cluster-replicas", "1", "--cluster-yes", "-a", "pw"});
    REQUIRE(p.action == CliAction::Run);
    const ManagerOptions& m = p.options.manager;
    CHECK(m.command == "create");
    CHECK(m.args == Args{"127.0.0.1:1", "127.0.0.1:2"});
    CHECK(m.replicas == 1);
    CHECK(m.yes);
    CHECK(p.options.pass == "pw");

    p = parse_cli_options({"--cluster", "reshard", "h:1", "--cluster-from", "a,b", "--cluster-to",
                           "c", "--cluster-slots", "5%", "--cluster-timeout", "1000",
                           "--cluster-pipeline", "20", "--cluster-replace", "--verbose"});
    CHECK(p.options.manager.from == "a,b");
    CHECK(p.options.manager.to == "c");
    CHECK(p.options.manager.slots == "5%");
    CHECK(p.options.manager.timeout_ms == 1000);
    CHECK(p.options.manager.pipeline == 20);
    CHECK(p.options.manager.replace);
    CHECK(p.options.verbose);
}

TEST_CASE("cluster options: weights, aliases, defaults and errors") {
    CliParse p = parse_cli_options({"--cluster", "rebalance", "h:1", "--cluster-weight", "a=1",
                                    "b=2", "--cluster-use-empty-masters", "--cluster-simulate",
                                    "--cluster-threshold", "1.5"});
    CHECK(p.options.manager.weights == Args{"a=1", "b=2"});
    CHECK(p.options.manager.use_empty_masters);
    CHECK(p.options.manager.simulate);
    CHECK(p.options.manager.threshold == doctest::Approx(1.5));
    CHECK(parse_cli_options({"--cluster", "add-node", "a:1", "b:2", "--cluster-replica"})
              .options.manager.replica);
    CHECK(parse_cli_options({"--cluster", "add-node", "a:1", "b:2", "--cluster-slave"})
              .options.manager.replica);
    const ManagerOptions d = parse_cli_options({"--cluster", "check", "h:1"}).options.manager;
    CHECK(d.timeout_ms == 60000);
    CHECK(d.pipeline == 10);
    CHECK(d.threshold == doctest::Approx(2.0));
    CHECK(parse_cli_options({"--cluster"}).action == CliAction::Help);
    CHECK(parse_cli_options({"--cluster", "check", "h:1", "--cluster", "info"}).action ==
          CliAction::Help);
    CHECK(parse_cli_options({"--cluster", "rebalance", "h:1", "--cluster-weight", "a=1",
                             "--cluster-weight", "b=1"})
              .action == CliAction::Error);
}

TEST_CASE("CLUSTER NODES: addresses, flags, slots and open slots") {
    std::vector<NodeLine> lines;
    std::string err;
    REQUIRE(parse_cluster_nodes(kNodes, &lines, &err));
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].host == "127.0.0.1");
    CHECK(lines[0].port == 30004);
    CHECK(lines[0].bus_port == 31004);
    CHECK(lines[0].has_flag("slave"));
    CHECK(lines[0].master_id == "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca");
    CHECK(lines[1].master_id.empty());
    CHECK(lines[1].slot_count == 5462);
    const NodeLine& me = lines[3];
    CHECK(me.has_flag("myself"));
    CHECK(me.config_epoch == 1);
    CHECK(me.slot_count == 5461);
    CHECK(me.slots.test(0));
    CHECK(me.slots.test(5460));
    CHECK_FALSE(me.slots.test(5461));
    REQUIRE(me.importing.size() == 1);
    CHECK(me.importing[0].slot == 5461);
    CHECK(me.importing[0].node_id == "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1");
    REQUIRE(me.migrating.size() == 1);
    CHECK(me.migrating[0].slot == 93);

    CHECK_FALSE(parse_cluster_nodes("abc 127.0.0.1:1 master\n", &lines, &err));
    CHECK_FALSE(
        parse_cluster_nodes("abc 127.0.0.1:1@2 master - 0 0 1 connected 16384\n", &lines, &err));
}

TEST_CASE("config signature: sorted slot entries of the nodes that serve slots") {
    CHECK(config_signature(kNodes) ==
          "292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f:10923-16383|"
          "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1:5461-10922|"
          "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca:0-5460");
    // Line order and open-slot entries do not matter; slot tokens are sorted as strings.
    CHECK(config_signature("b x m - 0 0 1 connected 7 10-20\na x m - 0 0 1 connected [5->-b]\n") ==
          "b:10-20,7");
    CHECK(config_signature("a x m - 0 0 1 connected\n").empty());
}

TEST_CASE("slot ranges print as redis-cli prints them") {
    SlotSet s;
    CHECK(format_slot_ranges(s).empty());
    for (int i = 0; i <= 5460; i++) {
        s.set(static_cast<size_t>(i));
    }
    s.set(6000);
    s.set(16383);
    CHECK(format_slot_ranges(s) == "[0-5460],[6000],[16383]");
    CHECK(info_field("# Cluster\r\ncluster_enabled:1\r\n", "cluster_enabled") == "1");
    CHECK(info_field("cluster_known_nodes:6\n", "cluster_known") == "");
}

TEST_CASE("create plan: redis-cli's ranges for 3 and 4 masters") {
    CreatePlan p = plan_create({"h", "h", "h"}, 0);
    REQUIRE(p.ranges.size() == 3);
    CHECK(p.ranges[0].first == 0);
    CHECK(p.ranges[0].last == 5460);
    CHECK(p.ranges[1].first == 5461);
    CHECK(p.ranges[1].last == 10922);
    CHECK(p.ranges[2].first == 10923);
    CHECK(p.ranges[2].last == 16383);
    p = plan_create({"h", "h", "h", "h"}, 0);
    CHECK(p.ranges[1].first == 4096);
    CHECK(p.ranges[3].last == 16383);
}

TEST_CASE("create plan: six nodes on one host, one replica each, as redis-cli prints it") {
    // redis-cli 7.0.15 on 6 nodes of 127.0.0.1: replicas 4->0, 5->1, 3->2 before optimizing.
    CreatePlan p = plan_create({"h", "h", "h", "h", "h", "h"}, 1);
    CHECK(p.masters == std::vector<int>{0, 1, 2});
    REQUIRE(p.log.size() == 3);
    CHECK(p.log[0].replica == 4);
    CHECK(p.log[0].master == 0);
    CHECK(p.log[1].replica == 5);
    CHECK(p.log[1].master == 1);
    CHECK(p.log[2].replica == 3);
    CHECK(p.log[2].master == 2);
    CHECK(anti_affinity_score({"h", "h", "h", "h", "h", "h"}, p.replica_of, nullptr) == 30000);
}

TEST_CASE("create plan: replicas go to another host than their master") {
    const std::vector<std::string> hosts = {"a", "a", "a", "b", "b", "b"};
    CreatePlan p = plan_create(hosts, 1);
    REQUIRE(p.masters.size() == 3);
    // Interleaved by host: the masters are a, b, a (nodes 0, 3, 1).
    CHECK(p.masters == std::vector<int>{0, 3, 1});
    for (size_t i = 0; i < hosts.size(); i++) {
        if (p.replica_of[i] >= 0) {
            CHECK(hosts[i] != hosts[static_cast<size_t>(p.replica_of[i])]);
        }
    }
    CHECK(anti_affinity_score(hosts, p.replica_of, nullptr) == 0);
}

TEST_CASE("anti-affinity optimizer: fixes a bad layout when the hosts allow it") {
    const std::vector<std::string> hosts = {"a", "b", "c", "a", "b", "c"};
    std::vector<int> replica_of = {-1, -1, -1, 0, 1, 2};  // every replica on its master's host
    CHECK(anti_affinity_score(hosts, replica_of, nullptr) == 30000);
    CHECK(optimize_anti_affinity(hosts, &replica_of, 42) == 0);
    std::vector<int> masters(3, 0);
    for (size_t i = 3; i < 6; i++) {
        masters[static_cast<size_t>(replica_of[i])]++;
    }
    CHECK(masters == std::vector<int>{1, 1, 1});  // swaps keep one replica per master
}

TEST_CASE("create plan: extra nodes become extra replicas") {
    CreatePlan p = plan_create({"h", "h", "h", "h", "h", "h", "h"}, 1);
    REQUIRE(p.log.size() == 4);
    CHECK_FALSE(p.log[2].extra);
    CHECK(p.log[3].extra);
}

TEST_CASE("reshard plan: the biggest source rounds up, the others down, lowest slots first") {
    ReshardSource a{"a", {}, 0};
    ReshardSource b{"b", {}, 0};
    for (int s = 5; s <= 5460; s++) {
        a.slots.set(static_cast<size_t>(s));
    }
    a.slot_count = 5456;
    for (int s = 0; s <= 4; s++) {
        b.slots.set(static_cast<size_t>(s));
    }
    for (int s = 5461; s <= 10922; s++) {
        b.slots.set(static_cast<size_t>(s));
    }
    b.slot_count = 5467;
    // redis-cli 7.0.15 moved 151 slots from b (5467 slots) and 149 from a for 300.
    std::vector<ReshardMove> t = plan_reshard({a, b}, 300);
    REQUIRE(t.size() == 300);
    int from_b = 0;
    for (const ReshardMove& m : t) {
        from_b += m.source == 1;
    }
    CHECK(from_b == 151);
    CHECK(t[0].source == 1);
    CHECK(t[0].slot == 0);
    CHECK(t[151].source == 0);
    CHECK(t[151].slot == 5);
}

TEST_CASE("reshard plan: a count the rounding would miss is still met") {
    std::vector<ReshardSource> src(3);
    int s = 0;
    for (auto& r : src) {
        for (int i = 0; i < 5428; i++) {
            r.slots.set(static_cast<size_t>(s++));
        }
        r.slot_count = 5428;
    }
    // 164 / 16284 * 5428 = 54.67: 55 + 54 + 54 = 163 without the top-up.
    std::vector<ReshardMove> t = plan_reshard(src, 164);
    CHECK(t.size() == 164);
    std::vector<int> slots;
    for (const ReshardMove& m : t) {
        slots.push_back(m.slot);
    }
    std::sort(slots.begin(), slots.end());
    CHECK(std::adjacent_find(slots.begin(), slots.end()) == slots.end());
    CHECK(plan_reshard(src, 20000).size() == 16284);
}

TEST_CASE("--cluster-slots: counts and percentages of 16384") {
    int n = -1;
    CHECK(parse_slot_count("100", &n));
    CHECK(n == 100);
    CHECK(parse_slot_count("", &n));
    CHECK(n == 0);
    CHECK(parse_slot_count("5%", &n));
    CHECK(n == 819);
    CHECK(parse_slot_count("1%", &n));
    CHECK(n == 164);
    CHECK(parse_slot_count("100%", &n));
    CHECK(n == 16384);
    CHECK(parse_slot_count("0.001%", &n));
    CHECK(n == 1);
    CHECK_FALSE(parse_slot_count("0%", &n));
    CHECK_FALSE(parse_slot_count("101%", &n));
    CHECK_FALSE(parse_slot_count("x%", &n));
    CHECK_FALSE(parse_slot_count("20000", &n));
}

TEST_CASE("rebalance plan: an empty master takes an equal share from the others") {
    // The layout redis-cli 7.0.15 rebalanced with --cluster-use-empty-masters: it moved 1665,
    // 1220 and 1211 slots to the new master.
    std::vector<BalanceNode> nodes = {{5307, 1, 0}, {5316, 1, 0}, {5761, 1, 0}, {0, 1, 0}};
    RebalancePlan p = plan_rebalance(&nodes, 2.0);
    CHECK(p.threshold_reached);
    CHECK(p.total_weight == doctest::Approx(4));
    REQUIRE(p.moves.size() == 3);
    CHECK(p.moves[0].source == 2);
    CHECK(p.moves[0].target == 3);
    CHECK(p.moves[0].slots == 1665);
    CHECK(p.moves[1].slots == 1220);
    CHECK(p.moves[2].slots == 1211);
    CHECK(nodes[3].balance == -4096);
}

TEST_CASE("rebalance plan: within the threshold nothing moves; weights shift the shares") {
    std::vector<BalanceNode> even = {{5461, 1, 0}, {5462, 1, 0}, {5461, 1, 0}};
    CHECK_FALSE(plan_rebalance(&even, 2.0).threshold_reached);
    std::vector<BalanceNode> weighted = {{8192, 1, 0}, {8192, 3, 0}};
    RebalancePlan p = plan_rebalance(&weighted, 2.0);
    REQUIRE(p.moves.size() == 1);
    CHECK(p.moves[0].source == 0);
    CHECK(p.moves[0].target == 1);
    CHECK(p.moves[0].slots == 4096);
}

TEST_CASE("progress line: counts, rate and ETA") {
    CHECK(format_duration(0) == "0:00");
    CHECK(format_duration(75) == "1:15");
    CHECK(format_duration(3725) == "1:02:05");
    CHECK(format_progress("Resharding", 120, 300, "slots", 5230, 2.0) ==
          "Resharding: 120/300 slots (40%), 5230 keys, 2615 keys/s, ETA 0:03");
    CHECK(format_progress("Importing", 0, 10, "keys", 0, 0.0) ==
          "Importing: 0/10 keys (0%), 0 keys/s, ETA -:--");
    CHECK(format_progress_done("Resharding", 300, "slots", 12000, 5.0) ==
          "Resharding: 300 slots, 12000 keys in 5.0s (2400 keys/s)");
}
