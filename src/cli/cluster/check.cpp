// check, info and fix: the cluster check (redis-cli's clusterManagerCheckCluster) and the
// subcommands that print it. The repairs `fix` makes are in fix.cpp.
#include <cstdio>
#include <map>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "cli/cluster/migrate.h"

namespace slotcache::cli::cluster {

namespace {

std::string join_slots(const std::vector<OpenSlot>& open) {
    std::string out;
    for (const OpenSlot& o : open) {
        if (!out.empty()) {
            out += ',';
        }
        out += std::to_string(o.slot);
    }
    return out;
}

// Open slots: every node's migrating and importing entries, each reported as an error.
// Returns the open slots, ascending (redis-cli lists them in hash-table order).
std::vector<int> check_open_slots(Manager& m) {
    std::map<int, bool> open;
    for (auto& n : m.nodes()) {
        if (!n->migrating.empty()) {
            m.on_error("[WARNING] Node " + n->addr() + " has slots in migrating state " +
                       join_slots(n->migrating) + ".");
        }
        if (!n->importing.empty()) {
            m.on_error("[WARNING] Node " + n->addr() + " has slots in importing state " +
                       join_slots(n->importing) + ".");
        }
        for (const auto* list : {&n->migrating, &n->importing}) {
            for (const OpenSlot& o : *list) {
                open[o.slot] = true;
            }
        }
    }
    std::vector<int> out;
    for (const auto& [slot, unused] : open) {
        out.push_back(slot);
    }
    return out;
}

// --cluster-search-multiple-owners: a slot served by several masters, or with keys on a
// master that does not serve it.
bool check_multiple_owners(Manager& m, bool fix) {
    log_info(">>> Check for multiple slot owners...\n");
    bool result = true;
    int with_multiple = 0;
    for (int slot = 0; slot < kSlots; slot++) {
        std::vector<Node*> owners;
        for (auto& n : m.nodes()) {
            if (n->replica) {
                continue;
            }
            if (n->slots.test(static_cast<size_t>(slot)) ||
                count_keys_in_slot(m, n.get(), slot) > 0) {
                owners.push_back(n.get());
            }
        }
        if (owners.size() <= 1) {
            continue;
        }
        result = false;
        log_err("[WARNING] Slot %d has %zu owners:\n", slot, owners.size());
        for (Node* n : owners) {
            log_err("    %s:%d\n", n->host.c_str(), n->port);
        }
        with_multiple++;
        if (fix) {
            result = fix_multiple_owners(m, slot, owners);
            if (!result) {
                log_err("Failed to fix multiple owners for slot %d\n", slot);
                break;
            }
            with_multiple--;
        }
    }
    if (with_multiple == 0) {
        log_ok("[OK] No multiple owners found.\n");
    }
    return result;
}

}  // namespace

std::unique_ptr<Node> seed_from_args(const Args& args, size_t count) {
    auto n = std::make_unique<Node>();
    if (!host_from_args(args, count, &n->host, &n->port)) {
        std::fputs(kInvalidHostArg, stderr);
        return nullptr;
    }
    return n;
}

bool check_cluster(Manager& m, bool quiet, bool fix) {
    if (m.nodes().empty()) {
        return false;
    }
    const Node& first = *m.nodes().front();
    log_info(">>> Performing Cluster Check (using node %s:%d)\n", first.host.c_str(), first.port);
    bool result = true;
    if (!quiet) {
        m.show_nodes();
    }
    if (!m.is_config_consistent()) {
        m.on_error("[ERR] Nodes don't agree about configuration!");
        result = false;
    } else {
        log_ok("[OK] All nodes agree about slots configuration.\n");
    }
    log_info(">>> Check for open slots...\n");
    const std::vector<int> open = check_open_slots(m);
    if (!open.empty()) {
        result = false;
        std::string list;
        for (int s : open) {
            list += (list.empty() ? "" : ",") + std::to_string(s);
        }
        log_err("[WARNING] The following slots are open: %s.\n", list.c_str());
        if (fix) {
            for (int s : open) {
                result = fix_open_slot(m, s);
                if (!result) {
                    break;
                }
            }
        }
    }
    log_info(">>> Check slots coverage...\n");
    SlotSet covered;
    for (const auto& n : m.nodes()) {
        covered |= n->slots;
    }
    if (covered.all()) {
        log_ok("[OK] All %d slots covered.\n", kSlots);
    } else {
        m.on_error("[ERR] Not all " + std::to_string(kSlots) + " slots are covered by nodes.\n");
        result = false;
        if (fix && fix_slots_coverage(m, covered) > 0) {
            result = true;
        }
    }
    if (m.opt().search_multiple_owners && !check_multiple_owners(m, fix)) {
        result = false;
    }
    return result;
}

bool cmd_info(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, args.size());
    if (!seed || !m.load_cluster(std::move(seed))) {
        return false;
    }
    m.show_cluster_info();
    return true;
}

bool cmd_check(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, args.size());
    if (!seed || !m.load_cluster(std::move(seed))) {
        return false;
    }
    m.show_cluster_info();
    return check_cluster(m, false, m.opt().command == "fix");
}

bool cmd_fix(Manager& m, const Args& args) {
    return cmd_check(m, args);
}

}  // namespace slotcache::cli::cluster
