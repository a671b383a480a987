// `--cluster reshard` (redis-cli's clusterManagerCommandReshard): move N slots, with their
// keys, from some masters to one. What is not given as an option is asked: the number of slots
// (also "5%"), the receiving node ID, the source node IDs ("all" / "done"), then the plan is
// shown and confirmed unless --cluster-yes. Slots move one at a time (migrate.h), so a reshard
// stopped half way leaves at most one open slot, which `fix` closes.
#include <cstdio>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "cli/cluster/migrate.h"
#include "cli/cluster/plan.h"
#include "cli/cluster/progress.h"

namespace slotcache::cli::cluster {

namespace {

// A master known by this ID. raise_err is set when the ID is unknown (the reshard stops);
// naming the target as a source only skips that entry.
Node* node_for_resharding(Manager& m, const std::string& id, const Node* target, bool* raise_err) {
    *raise_err = false;
    Node* n = m.node_by_name(id);
    if (n == nullptr || n->replica) {
        log_err("*** The specified node (%s) is not known or not a master, please retry.\n",
                id.c_str());
        *raise_err = true;
        return nullptr;
    }
    if (target != nullptr && n->name == target->name) {
        log_err("*** It is not possible to use the target node as source node.\n");
        return nullptr;
    }
    return n;
}

bool ask_slot_count(int* slots) {
    while (*slots <= 0 || *slots > kSlots) {
        std::string line;
        if (!prompt_line("How many slots do you want to move (from 1 to 16384)? ", 16, &line)) {
            return false;
        }
        if (!parse_slot_count(line, slots)) {
            *slots = 0;
        }
    }
    return true;
}

// One source entry (an ID, "all" or "done"). Returns false when the reshard must stop.
bool add_source(Manager& m, const std::string& id, const Node* target,
                std::vector<Node*>* sources) {
    bool raise_err = false;
    Node* src = node_for_resharding(m, id, target, &raise_err);
    if (src != nullptr) {
        sources->push_back(src);
    }
    return !raise_err;
}

// The sources from --cluster-from ("id,id" or "all") or asked one by one. *all is set for
// "all". False when the reshard must stop.
bool read_sources(Manager& m, const Node* target, std::vector<Node*>* sources, bool* all) {
    const std::string& from = m.opt().from;
    if (!from.empty()) {
        size_t start = 0;
        while (start <= from.size() && !*all) {
            size_t comma = from.find(',', start);
            if (comma == std::string::npos) {
                comma = from.size();
            }
            const std::string id = from.substr(start, comma - start);
            if (id == "all") {
                *all = true;
            } else if (!id.empty() && !add_source(m, id, target, sources)) {
                return false;
            }
            start = comma + 1;
        }
        return true;
    }
    std::printf(
        "Please enter all the source node IDs.\n"
        "  Type 'all' to use all the nodes as source nodes for the hash slots.\n"
        "  Type 'done' once you entered all the source nodes IDs.\n");
    for (;;) {
        const std::string prompt = "Source node #" + std::to_string(sources->size() + 1) + ": ";
        std::string line;
        if (!prompt_line(prompt.c_str(), 255, &line)) {
            return false;
        }
        if (line == "done") {
            return true;
        }
        if (line == "all") {
            *all = true;
            return true;
        }
        if (!line.empty() && !add_source(m, line, target, sources)) {
            return false;
        }
    }
}

bool run_moves(Manager& m, Node* target, const std::vector<Node*>& sources,
               const std::vector<ReshardMove>& table) {
    Progress progress(progress_enabled(), "Resharding", static_cast<long long>(table.size()),
                      "slots");
    MoveOptions opts;
    opts.verbose = true;
    if (progress.enabled()) {
        opts.progress = &progress;
        progress.draw(true);
    }
    for (const ReshardMove& mv : table) {
        std::string err;
        if (!move_slot(m, sources[static_cast<size_t>(mv.source)], target, mv.slot, opts, &err)) {
            progress.clear();
            if (!err.empty()) {
                log_err("clusterManagerMoveSlot failed: %s\n", err.c_str());
            }
            return false;
        }
    }
    progress.finish();
    return true;
}

// --cluster-to, or asked.
bool choose_target(Manager& m, Node** target) {
    std::string to = m.opt().to;
    while (to.empty()) {
        if (!prompt_line("What is the receiving node ID? ", 255, &to)) {
            return false;
        }
    }
    bool raise_err = false;
    *target = node_for_resharding(m, to, nullptr, &raise_err);
    return *target != nullptr;
}

// --cluster-from, or asked; "all" is every master but the target.
bool choose_sources(Manager& m, Node* target, std::vector<Node*>* sources) {
    bool all = false;
    if (!read_sources(m, target, sources, &all)) {
        return false;
    }
    if (all) {
        sources->clear();
        for (auto& n : m.nodes()) {
            if (n->is_master() && n->name != target->name) {
                sources->push_back(n.get());
            }
        }
    }
    if (sources->empty()) {
        std::fprintf(stderr, "*** No source nodes given, operation aborted.\n");
        return false;
    }
    return true;
}

// "Ready to move N slots.", the nodes and the plan, as redis-cli prints them.
std::vector<ReshardMove> show_plan(Manager& m, int slots, Node* target,
                                   const std::vector<Node*>& sources) {
    std::printf("\nReady to move %d slots.\n  Source nodes:\n", slots);
    std::vector<ReshardSource> plan_sources;
    for (Node* src : sources) {
        std::printf("%s\n", m.node_info(*src, 4).c_str());
        plan_sources.push_back({src->name, src->slots, src->slots_count});
    }
    std::printf("  Destination node:\n%s\n", m.node_info(*target, 4).c_str());
    std::vector<ReshardMove> table = plan_reshard(plan_sources, slots);
    std::printf("  Resharding plan:\n");
    for (const ReshardMove& mv : table) {
        std::printf("    Moving slot %d from %s\n", mv.slot,
                    sources[static_cast<size_t>(mv.source)]->name.c_str());
    }
    return table;
}

}  // namespace

bool cmd_reshard(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, args.size());
    if (!seed || !m.load_cluster(std::move(seed))) {
        return false;
    }
    check_cluster(m, false, false);
    if (!m.errors().empty()) {
        std::fflush(stdout);
        std::fprintf(stderr, "*** Please fix your cluster problems before resharding\n");
        return false;
    }
    int slots = 0;
    if (!parse_slot_count(m.opt().slots, &slots)) {
        std::fprintf(stderr,
                     "*** Invalid --cluster-slots '%s': a number of slots from 1 to 16384, or a "
                     "percentage such as 5%%\n",
                     m.opt().slots.c_str());
        return false;
    }
    Node* target = nullptr;
    std::vector<Node*> sources;
    if (!ask_slot_count(&slots) || !choose_target(m, &target) ||
        !choose_sources(m, target, &sources)) {
        return false;
    }
    const std::vector<ReshardMove> table = show_plan(m, slots, target, sources);
    if (!m.opt().yes &&
        !ask_yes("Do you want to proceed with the proposed reshard plan (yes/no)? ")) {
        return false;
    }
    return run_moves(m, target, sources, table);
}

}  // namespace slotcache::cli::cluster
