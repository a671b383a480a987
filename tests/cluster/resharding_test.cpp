// Live resharding, step by step as the spec describes it (and as redis-cli does it): a slot is
// opened with SETSLOT IMPORTING / MIGRATING, its keys move with MIGRATE while a client keeps
// writing keys of that slot, and SETSLOT NODE closes it. What a client sees meanwhile is
// checked at each step: ASK for keys that already left, MOVED from the target without ASKING,
// TRYAGAIN for a multi-key command whose keys are split; at the end no write is lost. A
// migration left half done is repaired by `redis-cli --cluster fix`, and a master that gives
// away its last slot becomes a replica of the new owner (Redis 7.0's SETSLOT NODE).
// Every test also passes against Debian's redis-server 7.0
// (SLOTCACHE_SERVER=/usr/bin/redis-server).
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>

#include "cluster/cluster_harness.h"

using namespace slotcache::ctest;
using slotcache::itest::bulk;
using slotcache::itest::bulks;
using slotcache::itest::error;
using slotcache::itest::integer;
using slotcache::itest::nil;
using slotcache::itest::ok;
using slotcache::itest::wait_until;

namespace {

// A client that follows redirects the way cluster clients do, one node connection per port,
// counting the ASKs it followed.
class SmartClient {
public:
    explicit SmartClient(TestCluster& c) : c_(c) {}

    Reply run(const Args& args, size_t first_node = 0) {
        int port = c_.node(first_node).port();
        bool asking = false;
        for (int hop = 0; hop < 10; hop++) {
            Conn& conn = at(port);
            if (asking) {
                Reply a = conn.cmd({"ASKING"});
                if (a != ok()) return a;
            }
            Reply r = conn.cmd(args);
            if (!r.is_error()) return r;
            bool ask = r.str.rfind("ASK ", 0) == 0;
            bool moved = r.str.rfind("MOVED ", 0) == 0;
            if (!ask && !moved) return r;
            asks += ask ? 1 : 0;
            asking = ask;
            port = std::stoi(r.str.substr(r.str.rfind(':') + 1));
        }
        return error("too many redirects");
    }

    int asks = 0;

private:
    Conn& at(int port) {
        auto it = conns_.find(port);
        if (it == conns_.end()) it = conns_.emplace(port, Conn("127.0.0.1", port)).first;
        return it->second;
    }
    TestCluster& c_;
    std::map<int, Conn> conns_;
};

std::string key_in_slot(int slot, const std::string& prefix) {
    return key_in_slots(slot, slot, prefix);
}

std::string moved(int slot, ClusterNode& n) {
    return "MOVED " + std::to_string(slot) + " 127.0.0.1:" + std::to_string(n.port());
}

std::string ask(int slot, ClusterNode& n) {
    return "ASK " + std::to_string(slot) + " 127.0.0.1:" + std::to_string(n.port());
}

// No [slot->-id] / [slot-<-id] marks in any node's CLUSTER NODES.
bool no_open_slots(TestCluster& c) {
    for (size_t i : c.all()) {
        for (const auto& l : c.node(i).nodes()) {
            for (const auto& s : l.slots) {
                if (!s.empty() && s[0] == '[') return false;
            }
        }
    }
    return true;
}

std::string redis_cli() {
    const char* env = std::getenv("REDIS_CLI");
    return env != nullptr ? env : "/usr/bin/redis-cli";
}

// Runs a shell command line bounded by `timeout`; returns its exit status and output.
int run_shell(const std::string& cmd, std::string* out) {
    std::string line = "timeout 60 " + cmd + " 2>&1";
    FILE* p = popen(line.c_str(), "r");
    if (p == nullptr) return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out->append(buf, n);
    return pclose(p);
}

}  // namespace

TEST_CASE("resharding: a slot moved by hand with SETSLOT + MIGRATE while a client writes it") {
    TestCluster c(3);
    c.form();
    auto [lo, hi] = even_range(0, 3);
    int slot = key_slot(key_in_slots(lo, hi, "slot:"));
    ClusterNode& src = c.node(0);
    ClusterNode& dst = c.node(1);
    ClusterNode& third = c.node(2);
    std::string tag = "{" + key_in_slot(slot, "tag") + "}";  // every key below is in `slot`
    REQUIRE(key_slot(tag + "x") == slot);
    SmartClient client(c);
    std::map<std::string, std::string> want;
    for (int i = 0; i < 60; i++) {
        std::string k = tag + std::to_string(i);
        REQUIRE(client.run({"SET", k, "v0-" + std::to_string(i)}) == ok());
        want[k] = "v0-" + std::to_string(i);
    }

    // A second client writes keys of the slot from a thread for the whole migration.
    std::atomic<bool> stop{false};
    std::atomic<int> writer_errors{0};
    std::map<std::string, std::string> written;  // read only after join()
    std::thread writer([&] {
        SmartClient w(c);
        for (int i = 0; !stop.load(); i++) {
            std::string k = tag + "w" + std::to_string(i % 40);
            std::string v = "w" + std::to_string(i);
            if (w.run({"SET", k, v}, static_cast<size_t>(i % 3)) == ok()) {
                written[k] = v;
            } else {
                writer_errors++;
            }
        }
    });

    REQUIRE(dst.cmd({"CLUSTER", "SETSLOT", std::to_string(slot), "IMPORTING", src.myid()}) ==
            ok());
    REQUIRE(src.cmd({"CLUSTER", "SETSLOT", std::to_string(slot), "MIGRATING", dst.myid()}) ==
            ok());
    std::string first_moved;
    bool checked_midway = false;
    for (int round = 0; round < 100; round++) {
        Reply keys = src.cmd({"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "7"});
        REQUIRE(keys.type == Reply::Type::Array);
        if (keys.elements.empty()) break;
        Args m{"MIGRATE", "127.0.0.1", std::to_string(dst.port()), "", "0", "5000", "KEYS"};
        for (const auto& k : keys.elements) m.push_back(k.str);
        REQUIRE(src.cmd(m) == ok());
        for (const auto& k : keys.elements) {
            // One of this thread's keys: the writer's are overwritten concurrently.
            if (first_moved.empty() && want.count(k.str) > 0) first_moved = k.str;
        }
        if (first_moved.empty()) continue;
        // Between batches: overwrite a moved key and one that may not have moved yet.
        std::string k = tag + std::to_string(round % 60);
        REQUIRE(client.run({"SET", k, "v1-" + std::to_string(round)}) == ok());
        want[k] = "v1-" + std::to_string(round);
        REQUIRE(client.run({"SET", first_moved, "moved-" + std::to_string(round)}) == ok());
        want[first_moved] = "moved-" + std::to_string(round);
        if (round >= 2 && !checked_midway) {
            checked_midway = true;
            // What clients see in the middle of the migration.
            CHECK(src.cmd({"GET", first_moved}) == error(ask(slot, dst)));
            CHECK(dst.cmd({"GET", first_moved}) == error(moved(slot, src)));
            Conn d = dst.connect();
            CHECK(d.cmd({"ASKING"}) == ok());
            CHECK(d.cmd({"GET", first_moved}) == bulk(want[first_moved]));
            CHECK(d.cmd({"GET", first_moved}) == error(moved(slot, src)));  // ASKING: one shot
            std::string still_here;
            for (const auto& [key, v] : want) {
                if (src.cmd({"EXISTS", key}) == integer(1)) still_here = key;
            }
            if (!still_here.empty()) {
                CHECK(src.cmd({"MGET", first_moved, still_here}) ==
                      error("TRYAGAIN Multiple keys request during rehashing of slot"));
            }
            CHECK(third.cmd({"GET", first_moved}) == error(moved(slot, src)));
        }
    }
    // Keys the writer created on the source after its GETKEYSINSLOT are moved by a last pass.
    Reply rest = src.cmd({"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "1000"});
    while (!rest.elements.empty()) {
        Args m{"MIGRATE", "127.0.0.1", std::to_string(dst.port()), "", "0", "5000", "KEYS"};
        for (const auto& k : rest.elements) m.push_back(k.str);
        REQUIRE(src.cmd(m) == ok());
        rest = src.cmd({"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "1000"});
    }
    CHECK(src.cmd({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}) == integer(0));
    for (ClusterNode* n : {&dst, &src, &third}) {
        REQUIRE(n->cmd({"CLUSTER", "SETSLOT", std::to_string(slot), "NODE", dst.myid()}) == ok());
    }
    stop = true;
    writer.join();
    CHECK(writer_errors.load() == 0);
    CHECK(checked_midway);
    CHECK(client.asks > 0);

    // Every node now sends the slot's clients to the target; nothing was lost.
    CHECK(src.cmd({"GET", first_moved}) == error(moved(slot, dst)));
    INFO(c.dump());
    CHECK(wait_until([&] { return no_open_slots(c) && c.agree(c.all()); }, 10000ms, 50ms));
    CHECK(c.owner(slot) == 1);
    for (const auto& [k, v] : written) want[k] = v;
    SmartClient reader(c);
    int lost = 0;
    for (const auto& [k, v] : want) {
        if (reader.run({"GET", k}, 2) != bulk(v)) lost++;
    }
    CHECK(lost == 0);
    CHECK(dst.cmd({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}) ==
          integer(static_cast<long long>(want.size())));
}

TEST_CASE("resharding: a migration left half done is repaired by redis-cli --cluster fix") {
    if (access(redis_cli().c_str(), X_OK) != 0) {
        MESSAGE("skipped: no redis-cli at " << redis_cli());
        return;
    }
    TestCluster c(3);
    c.form();
    ClusterNode& src = c.node(2);
    ClusterNode& dst = c.node(0);
    auto [lo, hi] = even_range(2, 3);
    std::string tag = "{" + key_in_slots(lo, hi, "half") + "}";
    int slot = key_slot(tag);
    for (int i = 0; i < 40; i++) {
        REQUIRE(src.cmd({"SET", tag + std::to_string(i), "v" + std::to_string(i)}) == ok());
    }
    REQUIRE(dst.cmd({"CLUSTER", "SETSLOT", std::to_string(slot), "IMPORTING", src.myid()}) ==
            ok());
    REQUIRE(src.cmd({"CLUSTER", "SETSLOT", std::to_string(slot), "MIGRATING", dst.myid()}) ==
            ok());
    Reply keys = src.cmd({"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "15"});
    Args m{"MIGRATE", "127.0.0.1", std::to_string(dst.port()), "", "0", "5000", "KEYS"};
    for (const auto& k : keys.elements) m.push_back(k.str);
    REQUIRE(src.cmd(m) == ok());
    REQUIRE(dst.cmd({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}) == integer(15));
    // The operator's tool sees the open slot...
    std::string out;
    std::string addr = "127.0.0.1:" + std::to_string(src.port());
    run_shell(redis_cli() + " --cluster check " + addr, &out);
    CHECK(out.find("[WARNING] The following slots are open: " + std::to_string(slot)) !=
          std::string::npos);
    // ... and fixes it: one owner, every key there, no marks left.
    out.clear();
    int rc = run_shell(redis_cli() + " --cluster fix " + addr + " --cluster-yes", &out);
    INFO(out);
    CHECK(rc == 0);
    INFO(c.dump());
    CHECK(wait_until([&] { return no_open_slots(c) && c.agree(c.all()); }, 10000ms, 50ms));
    int owner = c.owner(slot);
    REQUIRE(owner >= 0);
    CHECK(c.node(static_cast<size_t>(owner))
              .cmd({"CLUSTER", "COUNTKEYSINSLOT", std::to_string(slot)}) == integer(40));
    SmartClient reader(c);
    for (int i = 0; i < 40; i++) {
        CHECK(reader.run({"GET", tag + std::to_string(i)}) == bulk("v" + std::to_string(i)));
    }
    out.clear();
    run_shell(redis_cli() + " --cluster check " + addr, &out);
    CHECK(out.find("[WARNING]") == std::string::npos);
}

TEST_CASE("resharding: a master that gives away its last slot becomes the new owner's replica") {
    TestCluster c(3);
    c.meet_all();
    // Node 2 serves a single slot; nodes 0 and 1 the rest.
    REQUIRE(c.node(0).cmd({"CLUSTER", "ADDSLOTSRANGE", "0", "8191"}) == ok());
    REQUIRE(c.node(1).cmd({"CLUSTER", "ADDSLOTSRANGE", "8192", "16382"}) == ok());
    REQUIRE(c.node(2).cmd({"CLUSTER", "ADDSLOTS", "16383"}) == ok());
    INFO(c.dump());
    REQUIRE(c.wait_state("ok", 20000ms));
    REQUIRE(c.wait_agreement(15000ms));
    ClusterNode& src = c.node(2);
    ClusterNode& dst = c.node(1);
    // The source hears it first (before any gossip from the target can tell it).
    CHECK(src.cmd({"CLUSTER", "SETSLOT", "16383", "NODE", dst.myid()}) == ok());
    CHECK(src.cmd({"CLUSTER", "SETSLOT", "16383", "NODE", dst.myid()}) ==
          error("ERR Please use SETSLOT only with masters."));
    CHECK(dst.cmd({"CLUSTER", "SETSLOT", "16383", "NODE", dst.myid()}) == ok());
    bool replica = wait_until(
        [&] {
            for (const auto& l : src.nodes()) {
                if (l.has_flag("myself")) return l.has_flag("slave") && l.master == dst.myid();
            }
            return false;
        },
        10000ms, 50ms);
    CHECK(replica);
    CHECK(wait_until([&] { return src.cmd({"ROLE"}).elements.size() == 5; }, 10000ms, 50ms));
}
