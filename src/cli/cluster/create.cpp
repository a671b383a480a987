// `--cluster create`: a new cluster from empty nodes (redis-cli's clusterManagerCommandCreate),
// and the wait for nodes to agree that add-node shares.
//   1. every node must be a cluster node with no key and no other known node;
//   2. plan (plan.h): nodes / (replicas + 1) masters with contiguous slot ranges, replicas on
//      other hosts than their master where possible; show it and ask (--cluster-yes: don't);
//   3. ADDSLOTS on the masters (REPLICATE cannot work yet: a replica must know its master);
//   4. CLUSTER SET-CONFIG-EPOCH 1..N, one per node, so that no two masters start with the same
//      configEpoch (which the cluster would otherwise have to resolve by collision handling);
//   5. CLUSTER MEET <first node> on every other node;
//   6. wait until every node's CLUSTER NODES shows the same slots (the config signature);
//   7. CLUSTER REPLICATE on the replicas, now that they know their masters; then `check`.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "cli/cluster/plan.h"
#include "cli/cluster/progress.h"
#include "common/clock.h"

namespace slotcache::cli::cluster {

namespace {

// redis-cli waits forever; a cluster that has not agreed after this long has a network or
// configuration problem that waiting will not solve (the warnings below name it).
constexpr int kJoinTimeoutS = 300;
constexpr int kJoinPollMs = 100;
constexpr int kJoinCheckAfterS = 20;  // redis-cli's CLUSTER_JOIN_CHECK_AFTER

void print_unreachable(Manager& m) {
    const auto links = m.unreachable_links();
    if (links.empty()) {
        return;
    }
    std::printf("\n");
    log_err("Warning: %zu node(s) may be unreachable\n", links.size());
    for (const auto& [addr, from] : links) {
        const size_t at = addr.rfind('@');
        const std::string host = addr.substr(0, addr.rfind(':', at));
        const std::string bus = at == std::string::npos ? "" : addr.substr(at + 1);
        if (!bus.empty() && bus != "0") {
            log_err(" - The port %s of node %s may be unreachable from:\n", bus.c_str(),
                    host.c_str());
        } else {
            log_err(" - Node %s may be unreachable from:\n", addr.c_str());
        }
        for (const std::string& f : from) {
            log_err("   %s\n", f.c_str());
        }
        log_err(
            "Cluster bus ports must be reachable by every node.\nRemember that cluster bus "
            "ports are different from standard instance ports.\n");
    }
}

// CLUSTER REPLICATE for a planned replica, ADDSLOTS for a master. False (leaving the node
// dirty) when the replica does not know its master yet.
bool flush_node_config(Manager& m, Node* n, std::string* err) {
    if (!n->dirty) {
        return false;
    }
    Reply r;
    if (!n->replicate.empty()) {
        if (!m.call_ok(n, {"CLUSTER", "REPLICATE", n->replicate}, &r, err)) {
            return false;
        }
    } else {
        std::vector<std::string> argv = {"CLUSTER", "ADDSLOTS"};
        for (int s = 0; s < kSlots; s++) {
            if (n->slots.test(static_cast<size_t>(s))) {
                argv.push_back(std::to_string(s));
            }
        }
        if (argv.size() == 2 || !m.call_ok(n, argv, &r, err)) {
            return false;
        }
    }
    n->dirty = false;
    return true;
}

bool load_create_node(Manager& m, const std::string& addr) {
    auto n = std::make_unique<Node>();
    std::string a = addr.substr(0, addr.rfind('@'));
    const size_t colon = a.rfind(':');
    if (colon == std::string::npos) {
        std::fprintf(stderr, "Invalid address format: %s\n", a.c_str());
        return false;
    }
    n->host = a.substr(0, colon);
    n->port = std::atoi(a.c_str() + colon + 1);
    if (!m.connect(n.get())) {
        return false;
    }
    std::string err;
    if (!m.node_is_cluster(n.get(), &err)) {
        m.print_not_cluster_node(*n, err);
        return false;
    }
    if (!m.node_load_info(n.get(), nullptr, &err)) {
        if (!err.empty()) {
            m.print_reply_error(*n, err);
        }
        return false;
    }
    if (!m.node_is_empty(n.get(), &err)) {
        m.print_not_empty_node(*n, err);
        return false;
    }
    m.add_node(std::move(n));
    return true;
}

// Steps 2: the plan, applied to the model and printed.
void plan_and_show(Manager& m) {
    auto& nodes = m.nodes();
    std::vector<std::string> hosts;
    for (const auto& n : nodes) {
        hosts.push_back(n->host);
    }
    const int replicas = m.opt().replicas;
    CreatePlan plan = plan_create(hosts, replicas);
    for (size_t i = 0; i < plan.masters.size(); i++) {
        Node& master = *nodes[static_cast<size_t>(plan.masters[i])];
        const SlotRangePlan& r = plan.ranges[i];
        std::printf("Master[%zu] -> Slots %d - %d\n", i, r.first, r.last);
        master.slots.reset();
        for (int s = r.first; s <= r.last; s++) {
            master.slots.set(static_cast<size_t>(s));
        }
        master.slots_count = r.last - r.first + 1;
        master.dirty = true;
    }
    bool extra_printed = false;
    for (const ReplicaAssignment& a : plan.log) {
        if (a.extra && !extra_printed) {
            std::printf("Adding extra replicas...\n");
            extra_printed = true;
        }
        const Node& r = *nodes[static_cast<size_t>(a.replica)];
        const Node& mm = *nodes[static_cast<size_t>(a.master)];
        std::printf("Adding replica %s:%d to %s:%d\n", r.host.c_str(), r.port, mm.host.c_str(),
                    mm.port);
    }
    if (anti_affinity_score(hosts, plan.replica_of, nullptr) > 0) {
        log_info(">>> Trying to optimize slaves allocation for anti-affinity\n");
        const int score = optimize_anti_affinity(hosts, &plan.replica_of, std::random_device{}());
        if (score == 0) {
            log_ok("[OK] Perfect anti-affinity obtained!\n");
        } else if (score >= 10000) {
            log_warn("[WARNING] Some slaves are in the same host as their master\n");
        } else {
            log_warn("[WARNING] Some slaves of the same master are in the same host\n");
        }
    }
    for (size_t i = 0; i < nodes.size(); i++) {
        const int master = plan.replica_of[i];
        if (master >= 0) {
            nodes[i]->replicate = nodes[static_cast<size_t>(master)]->name;
            nodes[i]->dirty = true;
        }
    }
    m.show_nodes();
}

// Steps 3-5.
bool configure_and_meet(Manager& m) {
    for (auto& n : m.nodes()) {
        std::string err;
        if (!flush_node_config(m, n.get(), &err) && n->dirty && n->replicate.empty()) {
            if (!err.empty()) {
                m.print_reply_error(*n, err);
            }
            return false;
        }
    }
    log_info(">>> Nodes configuration updated\n");
    log_info(">>> Assign a different config epoch to each node\n");
    int epoch = 1;
    for (auto& n : m.nodes()) {
        Reply r;
        m.call(n.get(), {"CLUSTER", "SET-CONFIG-EPOCH", std::to_string(epoch++)}, &r);
    }
    log_info(">>> Sending CLUSTER MEET messages to join the cluster\n");
    const Node& first = *m.nodes().front();
    for (size_t i = 1; i < m.nodes().size(); i++) {
        Node* n = m.nodes()[i].get();
        Reply r;
        if (!m.call(n, {"CLUSTER", "MEET", first.host, std::to_string(first.port)}, &r)) {
            std::fprintf(stderr, "Failed to send CLUSTER MEET command.\n");
            return false;
        }
        if (r.is_error()) {
            m.print_reply_error(*n, r.str);
            return false;
        }
    }
    return true;
}

}  // namespace

bool wait_for_cluster_join(Manager& m) {
    std::printf("Waiting for the cluster to join\n");
    std::fflush(stdout);
    const bool tty = progress_enabled();
    const int64_t start = monotonic_us();
    const int nodes = static_cast<int>(m.nodes().size());
    const int check_after = kJoinCheckAfterS + static_cast<int>(nodes * 0.15f);
    int seconds_shown = 0;
    int next_link_check = check_after;
    for (;;) {
        const int agreeing = m.nodes_agreeing();
        if (agreeing == nodes || nodes <= 1) {
            break;
        }
        const int elapsed = static_cast<int>((monotonic_us() - start) / 1000000);
        if (tty) {
            std::printf("\r\033[KWaiting for the cluster to join: %d/%d nodes agree (%ds)",
                        agreeing, nodes, elapsed);
        } else {
            // redis-cli prints one dot per second of waiting.
            for (; seconds_shown < elapsed; seconds_shown++) {
                std::printf(".");
            }
        }
        std::fflush(stdout);
        if (elapsed >= next_link_check) {
            print_unreachable(m);
            next_link_check = elapsed + check_after;
        }
        if (elapsed >= kJoinTimeoutS) {
            std::printf("\n");
            log_err("[ERR] The nodes did not agree about the slots within %d seconds.\n",
                    kJoinTimeoutS);
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(kJoinPollMs));
    }
    if (tty) {
        std::printf("\r\033[K");
    }
    std::printf("\n");
    return true;
}

bool cmd_create(Manager& m, const Args& args) {
    for (const std::string& a : args) {
        if (!load_create_node(m, a)) {
            return false;
        }
    }
    const int count = static_cast<int>(m.nodes().size());
    const int replicas = m.opt().replicas;
    if (count / (replicas + 1) < 3) {
        log_err(
            "*** ERROR: Invalid configuration for cluster creation.\n"
            "*** Redis Cluster requires at least 3 master nodes.\n"
            "*** This is not possible with %d nodes and %d replicas per node.",
            count, replicas);
        log_err("\n*** At least %d nodes are required.\n", 3 * (replicas + 1));
        return false;
    }
    log_info(">>> Performing hash slots allocation on %d nodes...\n", count);
    plan_and_show(m);
    if (!confirm_with_yes("Can I set the above configuration?", m.opt().yes)) {
        return true;  // redis-cli exits 0 when the plan is declined
    }
    if (!configure_and_meet(m) || !wait_for_cluster_join(m)) {
        return false;
    }
    for (auto& n : m.nodes()) {
        std::string err;
        if (n->dirty && !flush_node_config(m, n.get(), &err) && n->replicate.empty()) {
            if (!err.empty()) {
                m.print_reply_error(*n, err);
            }
            return false;
        }
    }
    // Check from a fresh load of the first node: the cluster as the nodes now see it.
    std::unique_ptr<Node> first = std::move(m.nodes().front());
    first->replicas_count = 0;
    if (!m.load_cluster(std::move(first))) {
        return false;
    }
    check_cluster(m, false, false);
    return true;
}

}  // namespace slotcache::cli::cluster
