// `--cluster add-node new_host:new_port existing_host:existing_port` (redis-cli's
// clusterManagerCommandAddNode):
//   1. load and check the existing cluster (a broken one is not extended);
//   2. with --cluster-slave / --cluster-replica: the master is --cluster-master-id, or the
//      master with the fewest replicas;
//   3. the new node must be an empty cluster node;
//   4. a new master gets the cluster's functions (FUNCTION DUMP / RESTORE; skipped, as redis-cli
//      does, where the servers have no FUNCTION command, slotcache among them);
//   5. CLUSTER MEET <first node of the cluster> on the new node;
//   6. a replica: wait for the join, then for the new node to know its master (redis-cli does
//      not wait for this, and REPLICATE can fail with "Unknown node" when the master has no
//      slots and so does not count in the join), then CLUSTER REPLICATE.
// A new master serves no slot until a reshard or `rebalance --cluster-use-empty-masters`.
#include <chrono>
#include <cstdio>
#include <thread>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "common/clock.h"

namespace slotcache::cli::cluster {

namespace {

constexpr int64_t kKnowMasterTimeoutUs = 20 * 1000000;

// Step 4. False when the new node cannot take the cluster's functions.
bool copy_functions(Manager& m, Node* from, Node* to) {
    log_info(">>> Getting functions from cluster\n");
    Reply dump;
    std::string err;
    if (!m.call_ok(from, {"FUNCTION", "DUMP"}, &dump, &err)) {
        log_info(
            ">>> Failed retrieving Functions from the cluster, skip this step as Redis "
            "version do not support function command (error = '%s')\n",
            err.empty() ? "NULL reply" : err.c_str());
        return true;
    }
    log_info(">>> Send FUNCTION LIST to %s:%d to verify there is no functions in it\n",
             to->host.c_str(), to->port);
    Reply list;
    if (!m.call_ok(to, {"FUNCTION", "LIST"}, &list, &err)) {
        log_err(">>> Failed on CLUSTER LIST (error = '%s')\r\n",
                err.empty() ? "NULL reply" : err.c_str());
        return false;
    }
    if (!list.elements.empty()) {
        log_err(
            ">>> New node already contains functions and can not be added to the cluster. "
            "Use FUNCTION FLUSH and try again.\r\n");
        return false;
    }
    log_info(">>> Send FUNCTION RESTORE to %s:%d\n", to->host.c_str(), to->port);
    Reply r;
    if (!m.call_ok(to, {"FUNCTION", "RESTORE", dump.str}, &r, &err)) {
        log_err(">>> Failed loading functions to the new node (error = '%s')\r\n",
                err.empty() ? "NULL reply" : err.c_str());
        return false;
    }
    return true;
}

// Step 6's extra wait: node lists master_id in its CLUSTER NODES.
bool wait_until_known(Manager& m, Node* node, const std::string& master_id) {
    const int64_t deadline = monotonic_us() + kKnowMasterTimeoutUs;
    do {
        Reply r;
        if (m.call(node, {"CLUSTER", "NODES"}, &r) && !r.is_error() &&
            r.str.find(master_id) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (monotonic_us() < deadline);
    return false;
}

// Step 2.
bool choose_master(Manager& m, Node** master) {
    *master = nullptr;
    if (!m.opt().replica) {
        return true;
    }
    const std::string& id = m.opt().master_id;
    if (!id.empty()) {
        *master = m.node_by_name(id);
        if (*master == nullptr) {
            log_err("[ERR] No such master ID %s\n", id.c_str());
            return false;
        }
        return true;
    }
    *master = m.master_with_least_replicas();
    if (*master == nullptr) {
        return false;
    }
    std::printf("Automatically selected master %s:%d\n", (*master)->host.c_str(), (*master)->port);
    return true;
}

// Step 3.
bool prepare_new_node(Manager& m, Node* n) {
    if (!m.connect(n)) {
        log_err("[ERR] Sorry, can't connect to node %s:%d\n", n->host.c_str(), n->port);
        return false;
    }
    std::string err;
    if (!m.node_is_cluster(n, &err)) {
        m.print_not_cluster_node(*n, err);
        return false;
    }
    if (!m.node_load_info(n, nullptr, &err)) {
        if (!err.empty()) {
            m.print_reply_error(*n, err);
        }
        return false;
    }
    if (!m.node_is_empty(n, &err)) {
        m.print_not_empty_node(*n, err);
        return false;
    }
    return true;
}

}  // namespace

bool cmd_add_node(Manager& m, const Args& args) {
    auto ref = std::make_unique<Node>();
    auto node = std::make_unique<Node>();
    if (!host_from_args({args[1]}, 1, &ref->host, &ref->port) ||
        !host_from_args(args, 1, &node->host, &node->port)) {
        std::fputs(kInvalidHostArg, stderr);
        return false;
    }
    log_info(">>> Adding node %s:%d to cluster %s:%d\n", node->host.c_str(), node->port,
             ref->host.c_str(), ref->port);
    if (!m.load_cluster(std::move(ref)) || !check_cluster(m, false, false)) {
        return false;
    }
    Node* master = nullptr;
    if (!choose_master(m, &master) || !prepare_new_node(m, node.get())) {
        return false;
    }
    Node* first = m.nodes().front().get();
    Node* added = node.get();
    m.add_node(std::move(node));
    if (master == nullptr && !copy_functions(m, first, added)) {
        return false;
    }
    log_info(">>> Send CLUSTER MEET to node %s:%d to make it join the cluster.\n",
             added->host.c_str(), added->port);
    Reply r;
    if (!m.call_ok(added, {"CLUSTER", "MEET", first->host, std::to_string(first->port)}, &r)) {
        return false;
    }
    if (master != nullptr) {
        if (!wait_for_cluster_join(m) || !wait_until_known(m, added, master->name)) {
            return false;
        }
        log_info(">>> Configure node as replica of %s:%d.\n", master->host.c_str(), master->port);
        if (!m.call_ok(added, {"CLUSTER", "REPLICATE", master->name}, &r)) {
            return false;
        }
    }
    log_ok("[OK] New node added correctly.\n");
    return true;
}

}  // namespace slotcache::cli::cluster
