// `--cluster rebalance` (redis-cli's clusterManagerCommandRebalance): move slots between
// masters until each serves its share (16384 * weight / total weight), if any is further from
// it than --cluster-threshold percent. Masters without slots take part only with
// --cluster-use-empty-masters (a new master is empty until then). The plan is plan.h's
// plan_rebalance; each move takes the source's lowest slots, one slot at a time (migrate.h).
// --cluster-simulate prints the moves without making them.
#include <cstdio>
#include <cstdlib>

#include "cli/cluster/commands.h"
#include "cli/cluster/log.h"
#include "cli/cluster/migrate.h"
#include "cli/cluster/plan.h"
#include "cli/cluster/progress.h"

namespace slotcache::cli::cluster {

namespace {

// --cluster-weight <id-prefix>=<weight> ...
bool apply_weights(Manager& m) {
    for (const std::string& w : m.opt().weights) {
        const size_t eq = w.find('=');
        if (eq == std::string::npos) {
            return false;
        }
        const std::string name = w.substr(0, eq);
        Node* n = m.node_by_abbreviated_name(name);
        if (n == nullptr) {
            log_err("*** No such master node %s\n", name.c_str());
            return false;
        }
        n->weight = static_cast<float>(std::atof(w.c_str() + eq + 1));
    }
    return true;
}

// One "Moving N slots from A to B" of the plan: '#' per slot, or the progress line.
bool run_move(Manager& m, Node* src, Node* dst, int count, Progress* progress) {
    const std::vector<ReshardMove> table =
        plan_reshard({{src->name, src->slots, src->slots_count}}, count);
    if (static_cast<int>(table.size()) != count) {
        log_err("*** Assertion failed: Reshard table != number of slots");
        return false;
    }
    if (m.opt().simulate) {
        std::printf("%s\n", std::string(table.size(), '#').c_str());
        return true;
    }
    MoveOptions opts;
    opts.quiet = true;
    opts.update = true;
    opts.progress = progress->enabled() ? progress : nullptr;
    for (const ReshardMove& mv : table) {
        if (!move_slot(m, src, dst, mv.slot, opts, nullptr)) {
            progress->clear();
            return false;
        }
        if (!progress->enabled()) {
            std::printf("#");
            std::fflush(stdout);
        }
    }
    if (progress->enabled()) {
        progress->clear();
    } else {
        std::printf("\n");
    }
    return true;
}

// The masters that take part: all of them with --cluster-use-empty-masters, otherwise those
// that serve slots (an empty one gets weight 0, as in redis-cli).
std::vector<Node*> involved_masters(Manager& m) {
    std::vector<Node*> involved;
    for (auto& n : m.nodes()) {
        if (!n->is_master()) {
            continue;
        }
        if (!m.opt().use_empty_masters && n->slots_count == 0) {
            n->weight = 0;
            continue;
        }
        involved.push_back(n.get());
    }
    return involved;
}

}  // namespace

bool cmd_rebalance(Manager& m, const Args& args) {
    std::unique_ptr<Node> seed = seed_from_args(args, args.size());
    if (!seed || !m.load_cluster(std::move(seed)) || !apply_weights(m)) {
        return false;
    }
    const std::vector<Node*> involved = involved_masters(m);
    check_cluster(m, true, false);
    if (!m.errors().empty()) {
        log_err("*** Please fix your cluster problems before rebalancing\n");
        return false;
    }
    std::vector<BalanceNode> balance;
    for (Node* n : involved) {
        balance.push_back({n->slots_count, n->weight, 0});
    }
    const RebalancePlan plan = plan_rebalance(&balance, m.opt().threshold);
    if (!plan.threshold_reached) {
        log_warn("*** No rebalancing needed! All nodes are within the %.2f%% threshold.\n",
                 m.opt().threshold);
        return true;
    }
    log_info(">>> Rebalancing across %zu nodes. Total weight = %.2f\n", involved.size(),
             static_cast<double>(plan.total_weight));
    if (m.cli().verbose) {
        for (int i : plan.order) {
            const Node& n = *involved[static_cast<size_t>(i)];
            std::printf("%s:%d balance is %d slots\n", n.host.c_str(), n.port,
                        balance[static_cast<size_t>(i)].balance);
        }
    }
    long long total = 0;
    for (const BalanceMove& mv : plan.moves) {
        total += mv.slots;
    }
    Progress progress(progress_enabled() && !m.opt().simulate, "Rebalancing", total, "slots");
    for (const BalanceMove& mv : plan.moves) {
        Node* src = involved[static_cast<size_t>(mv.source)];
        Node* dst = involved[static_cast<size_t>(mv.target)];
        std::printf("Moving %d slots from %s:%d to %s:%d\n", mv.slots, src->host.c_str(), src->port,
                    dst->host.c_str(), dst->port);
        if (!run_move(m, src, dst, mv.slots, &progress)) {
            return false;
        }
    }
    progress.finish();
    return true;
}

}  // namespace slotcache::cli::cluster
