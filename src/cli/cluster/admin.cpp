// del-node, call and set-timeout (redis-cli's clusterManagerCommandDeleteNode, ...Call,
// ...SetTimeout).
//
// del-node: the node must serve no slot (reshard them away first). Its replicas are moved to
// the master with the fewest replicas, every other node is sent CLUSTER FORGET <id> (which
// also keeps it out of gossip for 60 s, long enough for all to forget it), and the node itself
// gets CLUSTER RESET SOFT so that it does not rejoin. Beyond redis-cli 7.0: a node that is
// down (listed by the cluster but unreachable) can be deleted too; it just gets no RESET.
#include <cstdio>
#include <cstdlib>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "cli/format.h"
#include "common/strutil.h"

namespace slotcache::cli::cluster {

namespace {

constexpr int kMinNodeTimeoutMs = 100;

// A node of the cluster that could not be loaded (down): its ID as the seed lists it.
bool is_unreachable_member(const Manager& m, const std::string& id) {
    const std::string lc = to_lower(id);
    for (const NodeLine& l : m.seed_view()) {
        if (l.id == lc) {
            return true;
        }
    }
    return false;
}

Node* replacement_master(Manager& m, const Node* leaving) {
    Node* best = nullptr;
    for (auto& n : m.nodes()) {
        if (n->replica || n.get() == leaving) {
            continue;
        }
        if (best == nullptr || n->replicas_count < best->replicas_count) {
            best = n.get();
        }
    }
    return best;
}

}  // namespace

bool cmd_del_node(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, 1);
    if (!seed) {
        return false;
    }
    const std::string& id = args[1];
    log_info(">>> Removing node %s from cluster %s:%d\n", id.c_str(), seed->host.c_str(),
             seed->port);
    if (!m.load_cluster(std::move(seed))) {
        return false;
    }
    Node* node = m.node_by_name(id);
    const bool down = node == nullptr && is_unreachable_member(m, id);
    if (node == nullptr && !down) {
        log_err("[ERR] No such node ID %s\n", id.c_str());
        return false;
    }
    if (node != nullptr && node->slots_count != 0) {
        log_err("[ERR] Node %s:%d is not empty! Reshard data away and try again.\n",
                node->host.c_str(), node->port);
        return false;
    }
    log_info(">>> Sending CLUSTER FORGET messages to the cluster...\n");
    const std::string lc = to_lower(id);
    for (auto& n : m.nodes()) {
        if (n.get() == node) {
            continue;
        }
        Reply r;
        if (to_lower(n->replicate) == lc) {
            Node* master = replacement_master(m, node);
            if (master == nullptr) {
                return false;
            }
            log_info(">>> %s:%d as replica of %s:%d\n", n->host.c_str(), n->port,
                     master->host.c_str(), master->port);
            if (!m.call_ok(n.get(), {"CLUSTER", "REPLICATE", master->name}, &r)) {
                return false;
            }
            master->replicas_count++;
        }
        if (!m.call_ok(n.get(), {"CLUSTER", "FORGET", id}, &r)) {
            return false;
        }
    }
    if (down) {
        log_warn(
            "*** Node %s is not reachable: it was not reset and must not be restarted "
            "with its nodes.conf.\n",
            id.c_str());
        return true;
    }
    log_info(">>> Sending CLUSTER RESET SOFT to the deleted node.\n");
    Reply r;
    return m.call_ok(node, {"CLUSTER", "RESET", "SOFT"}, &r);
}

bool cmd_call(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, 1);
    if (!seed || !m.load_cluster(std::move(seed))) {
        return false;
    }
    const std::vector<std::string> argv(args.begin() + 1, args.end());
    log_info(">>> Calling");
    for (const std::string& a : argv) {
        std::printf(" %s", a.c_str());
    }
    std::printf("\n");
    for (auto& n : m.nodes()) {
        if ((m.opt().only_masters && !n->replicate.empty()) ||
            (m.opt().only_replicas && n->replicate.empty())) {
            continue;
        }
        if (!n->conn && !m.connect(n.get())) {
            continue;
        }
        Reply r;
        if (!m.call(n.get(), argv, &r)) {
            std::printf("%s:%d: Failed!\n", n->host.c_str(), n->port);
        } else {
            std::printf("%s:%d: %s\n", n->host.c_str(), n->port, format_raw(r).c_str());
        }
    }
    return true;
}

bool cmd_set_timeout(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, 1);
    if (!seed) {
        return false;
    }
    const int timeout = std::atoi(args[1].c_str());
    if (timeout < kMinNodeTimeoutMs) {
        std::fprintf(stderr,
                     "Setting a node timeout of less than 100 milliseconds is a bad idea.\n");
        return false;
    }
    if (!m.load_cluster(std::move(seed))) {
        return false;
    }
    log_info(">>> Reconfiguring node timeout in every cluster node...\n");
    int ok_count = 0;
    int err_count = 0;
    for (auto& n : m.nodes()) {
        Reply r;
        std::string err;
        if (m.call_ok(n.get(), {"CONFIG", "SET", "cluster-node-timeout", std::to_string(timeout)},
                      &r, &err) &&
            m.call_ok(n.get(), {"CONFIG", "REWRITE"}, &r, &err)) {
            log_warn("*** New timeout set for %s:%d\n", n->host.c_str(), n->port);
            ok_count++;
        } else {
            log_err("ERR setting node-timeout for %s:%d: %s\n", n->host.c_str(), n->port,
                    err.c_str());
            err_count++;
        }
    }
    log_info(">>> New node timeout set. %d OK, %d ERR.\n", ok_count, err_count);
    return true;
}

}  // namespace slotcache::cli::cluster
