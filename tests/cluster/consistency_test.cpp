// The consistency checker (`slotcache-benchmark --consistency`) against a real cluster, and the
// proof that it can fail: on a healthy cluster it finds nothing lost; keys deleted behind its
// back (FLUSHALL on one master) are lost writes; a master killed and restarted empty shows as
// failed operations, a watched outage on its slots that ends once it serves again, and lost
// writes. The checker is slotcache's own binary in every case, so with
// SLOTCACHE_SERVER=/usr/bin/redis-server these tests run it against redis-server 7, the
// reference.
#include <doctest/doctest.h>

#include <signal.h>

#include <string>

#include "cluster/checker_harness.h"
#include "cluster/cluster_harness.h"

using namespace slotcache::ctest;
using slotcache::itest::ok;
using slotcache::itest::wait_until;

TEST_CASE(
    "consistency checker: a healthy cluster loses nothing; FLUSHALL on a master is lost "
    "writes") {
    TestCluster c(3);
    c.form();

    // A bounded run on fresh counters: every round answered, nothing lost.
    {
        CheckerProcess run(c.node(0).port(),
                           {"--keys", "200", "--duration", "2", "--prefix", "cc"});
        REQUIRE(run.wait_exit(20000ms) == 0);
        INFO(run.output());
        auto s = run.summary();
        REQUIRE_FALSE(s.empty());
        CHECK(s["writes"] > 200);
        CHECK(s["reads"] == s["writes"]);
        CHECK(s["errors"] == 0);
        CHECK(s["lost"] == 0);
        CHECK(s["noack"] == 0);
        CHECK(s["open_windows"] == 0);
        CHECK(run.output().find("cluster of 3 masters") != std::string::npos);
    }

    // Again on the same counters (read at start, so nothing is lost), then one master forgets
    // its keys while the checker runs.
    CheckerProcess run(c.node(0).port(),
                       {"--keys", "200", "--duration", "60", "--prefix", "cc", "--rate", "2000"});
    INFO(run.output());
    REQUIRE(run.wait_tick("s", 1, 10000ms));
    CHECK(run.last_tick("lost") == 0);
    CHECK(c.node(1).cmd({"FLUSHALL"}) == ok());
    CHECK(run.wait_tick("lost", 1, 10000ms));
    CHECK(run.interrupt() == 0);
    auto s = run.summary();
    REQUIRE_FALSE(s.empty());
    CHECK(s["lost"] > 0);
    CHECK(s["noack"] == 0);
    CHECK(s["errors"] == 0);
    CHECK(run.output().find("== consistency check summary ==") != std::string::npos);
}

TEST_CASE(
    "consistency checker: a killed master is a watched outage until it serves again; "
    "restarted empty, its acknowledged writes are lost") {
    TestCluster c(3);
    c.form();
    const std::string victim = "127.0.0.1:" + std::to_string(c.node(2).port());

    CheckerProcess run(c.node(0).port(), {"--keys", "300", "--duration", "90", "--prefix", "kill",
                                          "--rate", "2000", "--window-slots-of", victim});
    INFO(run.output());
    REQUIRE(run.wait_tick("s", 1, 10000ms));
    CHECK(run.last_tick("W err") == 0);

    // SIGKILL: no chance to answer anything in flight.
    kill(c.node(2).pid(), SIGKILL);
    REQUIRE(wait_until([&] { return !c.node(2).running(); }, 5000ms));
    CHECK(run.wait_tick("W err", 1, 10000ms));
    CHECK(run.last_tick("slots failing") > 0);

    // Back on the same port with its nodes.conf but no data (--save "").
    c.node(2).start();
    CHECK(c.wait_state("ok", 30000ms));
    CHECK(run.wait_output("watched slots writable again", 30000ms));
    const long long s_now = run.last_tick("s");
    CHECK(run.wait_tick("s", s_now + 1, 5000ms));
    CHECK(run.interrupt() == 0);

    auto s = run.summary();
    REQUIRE_FALSE(s.empty());
    CHECK(s["watched_slots"] > 5000);
    CHECK(s["watched_windows"] >= 1);
    CHECK(s["watched_max_window_ms"] > 0);
    CHECK(s["watched_ok_unix_ms"] > s["watched_fail_unix_ms"]);
    CHECK(s["watched_open_since_unix_ms"] == 0);
    CHECK(s["write_errors"] > 0);
    CHECK(s["windows"] > 0);
    CHECK(s["max_window_ms"] >= s["watched_max_window_ms"]);  // the first failing slot's own window
    CHECK(s["lost"] > 0);
}

TEST_CASE("consistency checker: a node that serves no slot cannot be watched") {
    TestCluster c(3);
    c.form();
    CheckerProcess run(c.node(0).port(), {"--duration", "5", "--window-slots-of", "127.0.0.1:1"});
    CHECK(run.wait_exit(10000ms) == 1);
    CHECK(run.output().find("127.0.0.1:1: that node serves no slot") != std::string::npos);
}

TEST_CASE(
    "consistency checker: a slot being migrated is followed through ASK to the importing "
    "node") {
    TestCluster c(3);
    c.form();
    const std::string key = "ask:0";  // the checker's only counter with --prefix ask --keys 1
    const int slot = key_slot(key);
    const int from = c.owner(slot);
    REQUIRE(from >= 0);
    const size_t to = (static_cast<size_t>(from) + 1) % 3;
    const std::string s = std::to_string(slot);
    REQUIRE(c.node(to).cmd({"CLUSTER", "SETSLOT", s, "IMPORTING", c.node(from).myid()}) == ok());
    REQUIRE(c.node(from).cmd({"CLUSTER", "SETSLOT", s, "MIGRATING", c.node(to).myid()}) == ok());

    // The key is absent on the migrating node: every GET and INCR is answered with ASK there.
    CheckerProcess run(c.node(0).port(), {"--keys", "1", "--prefix", "ask", "--requests", "50"});
    REQUIRE(run.wait_exit(20000ms) == 0);
    INFO(run.output());
    auto sum = run.summary();
    CHECK(sum["writes"] == 50);
    CHECK(sum["reads"] == 50);
    CHECK(sum["errors"] == 0);
    CHECK(sum["lost"] == 0);
    Conn conn = c.node(to).connect();
    auto replies = conn.pipeline({{"ASKING"}, {"GET", key}});
    CHECK(replies.at(1) == slotcache::itest::bulk("50"));
    CHECK(c.node(static_cast<size_t>(from)).cmd({"GET", key}).str.rfind("ASK ", 0) == 0);
}

TEST_CASE("consistency checker: a stopped master costs timeouts, not a hang; nothing is lost") {
    ClusterOptions options;
    options.node_timeout_ms = 5000;  // the pause stays short of PFAIL: only the client notices
    TestCluster c(3, options);
    c.form();
    const std::string victim = "127.0.0.1:" + std::to_string(c.node(2).port());
    CheckerProcess run(c.node(0).port(),
                       {"--keys", "300", "--duration", "60", "--prefix", "stop", "--rate", "1000",
                        "--timeout", "100", "--window-slots-of", victim});
    INFO(run.output());
    REQUIRE(run.wait_tick("s", 1, 10000ms));

    c.node(2).pause();
    CHECK(run.wait_tick("W err", 1, 5000ms));
    // Still reporting every second while the node is stopped: each operation on it waited at
    // most the timeout.
    const long long s_paused = run.last_tick("s");
    CHECK(run.wait_tick("s", s_paused + 1, 3000ms));
    c.node(2).resume();

    CHECK(run.wait_output("watched slots writable again", 10000ms));
    CHECK(run.interrupt() == 0);
    auto s = run.summary();
    REQUIRE_FALSE(s.empty());
    CHECK(s["write_errors"] > 0);
    CHECK(s["watched_windows"] >= 1);
    CHECK(s["watched_open_since_unix_ms"] == 0);
    CHECK(s["lost"] == 0);
}
