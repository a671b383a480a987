// What the manager shows and compares about the loaded cluster (see manager.h): the node list
// of check/create/reshard, the `info` summary, the agreement about slots, broken bus links.
#include <cstdio>
#include <map>

#include "cli/cluster/log.h"
#include "cli/cluster/manager.h"

namespace slotcache::cli::cluster {

namespace {

std::string flags_without_myself(const Node& n) {
    std::string out;
    for (const std::string& f : n.flags) {
        if (f == "myself") {
            continue;
        }
        if (!out.empty()) {
            out += ',';
        }
        out += f;
    }
    return out;
}

}  // namespace

std::string Manager::node_info(const Node& n, int indent) const {
    const std::string spaces(static_cast<size_t>(indent), ' ');
    std::string info = spaces;
    if (n.dirty && !n.replicate.empty()) {
        info += "S: " + n.name + " " + n.addr();
    } else {
        info += std::string(n.replica ? "S" : "M") + ": " + n.name + " " + n.addr() + "\n" +
                spaces + "   slots:" + format_slot_ranges(n.slots) + " (" +
                std::to_string(n.slots_count) + " slots) " + flags_without_myself(n);
    }
    if (!n.replicate.empty()) {
        info += "\n" + spaces + "   replicates " + n.replicate;
    } else if (n.replicas_count > 0) {
        info += "\n" + spaces + "   " + std::to_string(n.replicas_count) + " additional replica(s)";
    }
    return info;
}

void Manager::show_nodes() const {
    for (const auto& n : nodes_) {
        std::printf("%s\n", node_info(*n, 0).c_str());
    }
}

void Manager::show_cluster_info() {
    int masters = 0;
    long long keys = 0;
    for (auto& node : nodes_) {
        if (node->replica || node->name.empty()) {
            continue;
        }
        int replicas = 0;
        for (const auto& n : nodes_) {
            if (n.get() != node.get() && n->replica && n->replicate == node->name) {
                replicas++;
            }
        }
        Reply r;
        if (!call(node.get(), {"DBSIZE"}, &r) || r.type != ReplyType::Integer) {
            print_reply_error(*node, r.is_error() ? r.str : "");
            return;
        }
        std::printf("%s:%d (%.8s...) -> %lld keys | %d slots | %d slaves.\n", node->host.c_str(),
                    node->port, node->name.c_str(), r.integer, node->slots_count, replicas);
        masters++;
        keys += r.integer;
    }
    log_ok("[OK] %lld keys in %d masters.\n", keys, masters);
    std::printf("%.2f keys per slot on average.\n",
                static_cast<double>(static_cast<float>(keys) / static_cast<float>(kSlots)));
}

bool Manager::is_config_consistent() {
    if (nodes_.size() <= 1) {
        return true;
    }
    return nodes_agreeing() == static_cast<int>(nodes_.size());
}

int Manager::nodes_agreeing() {
    std::string first;
    bool have_first = false;
    int agreeing = 0;
    for (auto& n : nodes_) {
        Reply r;
        if (!call(n.get(), {"CLUSTER", "NODES"}, &r) || r.is_error()) {
            continue;
        }
        std::string sig = config_signature(r.str);
        if (sig.empty()) {
            continue;
        }
        if (!have_first) {
            first = std::move(sig);
            have_first = true;
            agreeing++;
        } else if (sig == first) {
            agreeing++;
        }
    }
    return agreeing;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Manager::unreachable_links() {
    std::map<std::string, std::vector<std::string>> status;
    std::vector<std::string> order;
    for (auto& n : nodes_) {
        Reply r;
        std::vector<NodeLine> lines;
        std::string err;
        if (!call(n.get(), {"CLUSTER", "NODES"}, &r) || r.is_error() ||
            !parse_cluster_nodes(r.str, &lines, &err)) {
            continue;
        }
        for (const NodeLine& l : lines) {
            if (l.has_flag("myself")) {
                continue;
            }
            const bool down = l.has_flag("disconnected") || l.link_state == "disconnected";
            if (!down && !l.has_flag("handshake")) {
                continue;
            }
            const std::string addr =
                l.host + ":" + std::to_string(l.port) + "@" + std::to_string(l.bus_port);
            if (status.find(addr) == status.end()) {
                order.push_back(addr);
            }
            status[addr].push_back(n->addr());
        }
    }
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    for (const std::string& a : order) {
        out.emplace_back(a, status[a]);
    }
    return out;
}

}  // namespace slotcache::cli::cluster
