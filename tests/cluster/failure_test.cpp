// Failure detection basics, partitions simulated with SIGSTOP/SIGCONT: a master stopped for
// longer than cluster-node-timeout is flagged PFAIL ("fail?") and then, by a majority of masters,
// FAIL ("fail") everywhere; its slots make the cluster fail with full coverage; back, it is
// cleared. A master cut off from the majority of masters reports cluster_state:fail by itself
// and can only flag the others PFAIL.
#include <doctest/doctest.h>

#include <string>

#include "cluster/cluster_harness.h"

using namespace slotcache::ctest;
using slotcache::itest::error;
using slotcache::itest::wait_until;

namespace {

bool has(const std::vector<std::string>& flags, const std::string& f) {
    return std::find(flags.begin(), flags.end(), f) != flags.end();
}

}  // namespace

TEST_CASE("failure: a master stopped past node-timeout is flagged fail? then fail by the others") {
    TestCluster c(3);
    c.form();
    std::string id = c.node(2).myid();
    c.node(2).pause();

    INFO(c.dump());
    // First PFAIL or FAIL as seen by each of the others, within a few node timeouts.
    for (size_t i : {0, 1}) {
        CAPTURE(i);
        CHECK(wait_until(
            [&] {
                auto f = c.flags_seen(i, id);
                return has(f, "fail?") || has(f, "fail");
            },
            6000ms, 20ms));
    }
    // Two of three masters agree: FAIL, propagated to both.
    for (size_t i : {0, 1}) {
        CAPTURE(i);
        CHECK(wait_until([&] { return has(c.flags_seen(i, id), "fail"); }, 8000ms, 50ms));
        CHECK_FALSE(has(c.flags_seen(i, id), "fail?"));
    }
    CHECK(c.wait_state("fail", {0, 1}, 5000ms));
    auto info = c.node(0).cluster_info();
    auto [lo, hi] = even_range(2, 3);
    CHECK(info["cluster_slots_fail"] == std::to_string(hi - lo + 1));
    CHECK(c.node(0).cmd({"GET", key_in_slots(0, 100)}) == error("CLUSTERDOWN The cluster is down"));

    c.node(2).resume();
    CHECK(c.wait_state("ok", 20000ms));
    CHECK(c.wait_agreement(15000ms));  // no node shows fail or fail? any more
}

TEST_CASE("failure: a master that cannot reach a majority of masters reports cluster_state:fail") {
    TestCluster c(3);
    c.form();
    std::string id1 = c.node(1).myid();
    std::string id2 = c.node(2).myid();
    c.node(1).pause();
    c.node(2).pause();

    INFO(c.node(0).cmd({"CLUSTER", "NODES"}).str);
    CHECK(c.wait_state("fail", {0}, 8000ms));
    CHECK(wait_until(
        [&] { return has(c.flags_seen(0, id1), "fail?") && has(c.flags_seen(0, id2), "fail?"); },
        5000ms, 50ms));
    // One master's report is not a majority: the others stay PFAIL, never FAIL.
    CHECK_FALSE(wait_until(
        [&] { return has(c.flags_seen(0, id1), "fail") || has(c.flags_seen(0, id2), "fail"); },
        2000ms, 100ms));
    CHECK(c.node(0).cluster_info()["cluster_slots_pfail"] ==
          std::to_string(16384 - (even_range(0, 3).second + 1)));
    auto [lo, hi] = even_range(0, 3);
    CHECK(c.node(0).cmd({"GET", key_in_slots(lo, hi)}) ==
          error("CLUSTERDOWN The cluster is down"));

    c.node(1).resume();
    c.node(2).resume();
    CHECK(c.wait_state("ok", 20000ms));
    CHECK(c.wait_agreement(15000ms));
}
