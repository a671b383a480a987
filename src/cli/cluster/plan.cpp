// The cluster manager's planning (see plan.h). The float arithmetic is redis-cli's on purpose:
// slot boundaries such as 5460/5461 come from lround() of float sums.
#include "cli/cluster/plan.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <random>

#include "common/strutil.h"

namespace slotcache::cli::cluster {

namespace {

// The nodes ordered host by host in round robin (host order: first appearance), so that the
// first ones, which become masters, are on as many hosts as possible.
std::vector<int> interleave_by_host(const std::vector<std::string>& hosts) {
    std::vector<std::string> order;
    std::vector<std::vector<int>> groups;
    for (size_t i = 0; i < hosts.size(); i++) {
        auto it = std::find(order.begin(), order.end(), hosts[i]);
        if (it == order.end()) {
            order.push_back(hosts[i]);
            groups.emplace_back();
            it = order.end() - 1;
        }
        groups[static_cast<size_t>(it - order.begin())].push_back(static_cast<int>(i));
    }
    std::vector<int> out;
    for (size_t round = 0; out.size() < hosts.size(); round++) {
        for (const auto& g : groups) {
            if (round < g.size()) {
                out.push_back(g[round]);
            }
        }
    }
    return out;
}

std::vector<SlotRangePlan> split_slots(int masters) {
    std::vector<SlotRangePlan> ranges;
    const float per_node = static_cast<float>(kSlots) / static_cast<float>(masters);
    long first = 0;
    float cursor = 0.0f;
    for (int i = 0; i < masters; i++) {
        long last = std::lround(cursor + per_node - 1);
        if (last > kSlots || i == masters - 1) {
            last = kSlots - 1;
        }
        if (last < first) {
            last = first;
        }
        ranges.push_back({static_cast<int>(first), static_cast<int>(last)});
        first = last + 1;
        cursor += per_node;
    }
    return ranges;
}

// Takes a free node for master m from pool (marking it used): the first on another host, else
// the first one left. -1 when none is left.
int take_replica(std::vector<int>* pool, const std::vector<std::string>& hosts, int m) {
    int same_host = -1;
    for (int& n : *pool) {
        if (n < 0) {
            continue;
        }
        if (hosts[static_cast<size_t>(n)] != hosts[static_cast<size_t>(m)]) {
            const int found = n;
            n = -1;
            return found;
        }
        if (same_host < 0) {
            same_host = n;
        }
    }
    for (int& n : *pool) {
        if (n == same_host && n >= 0) {
            n = -1;
            break;
        }
    }
    return same_host;
}

// Rounding every source but the first down can leave a reshard table short (redis-cli then
// moves fewer slots than it announced): the sources, largest first, give one more slot each in
// turn until the count is reached.
void top_up(const std::vector<ReshardSource>& sources, const std::vector<int>& order, int numslots,
            std::vector<ReshardMove>* moves) {
    std::vector<int> next(sources.size(), 0);
    for (const ReshardMove& m : *moves) {
        next[static_cast<size_t>(m.source)] = m.slot + 1;
    }
    bool progress = true;
    while (static_cast<int>(moves->size()) < numslots && progress) {
        progress = false;
        for (int i : order) {
            const ReshardSource& src = sources[static_cast<size_t>(i)];
            int& s = next[static_cast<size_t>(i)];
            while (s < kSlots && !src.slots.test(static_cast<size_t>(s))) {
                s++;
            }
            if (s >= kSlots || static_cast<int>(moves->size()) >= numslots) {
                continue;
            }
            moves->push_back({i, s++});
            progress = true;
        }
    }
}

// Pairs the nodes that must give slots (the end of order) with those that must take them (its
// start), as redis-cli walks them.
void pair_moves(std::vector<int> bal, RebalancePlan* plan) {
    int dst = 0;
    int src = static_cast<int>(plan->order.size()) - 1;
    // Every round zeroes one side's balance (they sum to zero), so this ends; the bound only
    // guards against a future change breaking that.
    for (int rounds = 0; dst < src && rounds < 4 * kSlots; rounds++) {
        const int d_node = plan->order[static_cast<size_t>(dst)];
        const int s_node = plan->order[static_cast<size_t>(src)];
        int& d = bal[static_cast<size_t>(d_node)];
        int& s = bal[static_cast<size_t>(s_node)];
        const int moved = std::min(std::abs(d), std::abs(s));
        if (moved > 0) {
            plan->moves.push_back({s_node, d_node, moved});
        }
        d += moved;
        s -= moved;
        if (d == 0) {
            dst++;
        }
        if (s == 0) {
            src--;
        }
    }
}

}  // namespace

CreatePlan plan_create(const std::vector<std::string>& hosts, int replicas) {
    CreatePlan plan;
    const int count = static_cast<int>(hosts.size());
    const int masters = count / (replicas + 1);
    plan.replica_of.assign(hosts.size(), -1);
    std::vector<int> order = interleave_by_host(hosts);
    plan.masters.assign(order.begin(), order.begin() + masters);
    plan.ranges = split_slots(masters);
    std::vector<int> pool(order.begin() + masters, order.end());
    // Rotating the candidates by one often gives a better start for the optimizer
    // (redis-cli does the same).
    if (pool.size() > 1) {
        std::rotate(pool.begin(), pool.begin() + 1, pool.end());
    }
    int available = static_cast<int>(pool.size());
    for (bool extra : {false, true}) {
        if (extra && available == 0) {
            break;
        }
        for (int m : plan.masters) {
            for (int assigned = 0; assigned < replicas && available > 0; assigned++) {
                const int r = take_replica(&pool, hosts, m);
                if (r < 0) {
                    break;
                }
                available--;
                plan.replica_of[static_cast<size_t>(r)] = m;
                plan.log.push_back({r, m, extra});
                if (extra) {
                    break;  // the extra round gives each master at most one more replica
                }
            }
        }
    }
    return plan;
}

int anti_affinity_score(const std::vector<std::string>& hosts, const std::vector<int>& replica_of,
                        std::vector<int>* offenders) {
    // (host, master) -> (has the master itself, replicas in node order)
    std::map<std::pair<std::string, int>, std::pair<bool, std::vector<int>>> groups;
    for (size_t i = 0; i < hosts.size(); i++) {
        const int master = replica_of[i];
        const bool is_master = master < 0;
        auto& g = groups[{hosts[i], is_master ? static_cast<int>(i) : master}];
        if (is_master) {
            g.first = true;
        } else {
            g.second.push_back(static_cast<int>(i));
        }
    }
    int score = 0;
    for (const auto& [key, g] : groups) {
        const int members = static_cast<int>(g.second.size()) + (g.first ? 1 : 0);
        if (members < 2) {
            continue;
        }
        score += g.first ? 10000 * (members - 1) : members;
        if (offenders != nullptr && !g.second.empty()) {
            offenders->push_back(g.second.front());
        }
    }
    return score;
}

int optimize_anti_affinity(const std::vector<std::string>& hosts, std::vector<int>* replica_of,
                           uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::vector<int>& of = *replica_of;
    for (size_t tries = 500 * hosts.size(); tries > 0; tries--) {
        std::vector<int> offenders;
        const int score = anti_affinity_score(hosts, of, &offenders);
        if (score == 0 || offenders.empty()) {
            break;
        }
        const int first = offenders[rng() % offenders.size()];
        std::vector<int> others;
        for (size_t i = 0; i < of.size(); i++) {
            if (static_cast<int>(i) != first && of[i] >= 0) {
                others.push_back(static_cast<int>(i));
            }
        }
        if (others.empty()) {
            break;
        }
        const int second = others[rng() % others.size()];
        std::swap(of[static_cast<size_t>(first)], of[static_cast<size_t>(second)]);
        // A swap that does not help is kept unless it hurts: the best layout may need several.
        if (anti_affinity_score(hosts, of, nullptr) > score) {
            std::swap(of[static_cast<size_t>(first)], of[static_cast<size_t>(second)]);
        }
    }
    return anti_affinity_score(hosts, of, nullptr);
}

std::vector<ReshardMove> plan_reshard(const std::vector<ReshardSource>& sources, int numslots) {
    std::vector<int> order(sources.size());
    long total = 0;
    for (size_t i = 0; i < sources.size(); i++) {
        order[i] = static_cast<int>(i);
        total += sources[i].slot_count;
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return sources[static_cast<size_t>(a)].slot_count >
               sources[static_cast<size_t>(b)].slot_count;
    });
    std::vector<ReshardMove> moves;
    numslots = static_cast<int>(std::min<long>(numslots, total));
    if (total == 0) {
        return moves;
    }
    for (size_t i = 0; i < order.size(); i++) {
        const ReshardSource& src = sources[static_cast<size_t>(order[i])];
        float n = static_cast<float>(numslots) / static_cast<float>(total) *
                  static_cast<float>(src.slot_count);
        n = i == 0 ? std::ceil(n) : std::floor(n);
        const int max = static_cast<int>(n);
        int count = 0;
        for (int s = 0; s < kSlots; s++) {
            if (!src.slots.test(static_cast<size_t>(s))) {
                continue;
            }
            if (count >= max || static_cast<int>(moves.size()) >= numslots) {
                break;
            }
            moves.push_back({order[i], s});
            count++;
        }
    }
    top_up(sources, order, numslots, &moves);
    return moves;
}

bool parse_slot_count(std::string_view text, int* out) {
    if (!text.empty() && text.back() == '%') {
        double pct = 0;
        if (!parse_double(text.substr(0, text.size() - 1), &pct) || !(pct > 0) || pct > 100) {
            return false;
        }
        *out = std::max(1, static_cast<int>(std::lround(pct / 100.0 * kSlots)));
        return true;
    }
    const int n = std::atoi(std::string(text).c_str());
    if (n < 0 || n > kSlots) {
        return false;
    }
    *out = n;
    return true;
}

RebalancePlan plan_rebalance(std::vector<BalanceNode>* nodes, double threshold) {
    RebalancePlan plan;
    std::vector<BalanceNode>& ns = *nodes;
    for (const BalanceNode& n : ns) {
        plan.total_weight += n.weight;
    }
    int total_balance = 0;
    for (size_t i = 0; i < ns.size(); i++) {
        BalanceNode& n = ns[i];
        const int expected =
            static_cast<int>((static_cast<float>(kSlots) / plan.total_weight) * n.weight);
        n.balance = n.slot_count - expected;
        total_balance += n.balance;
        if (threshold > 0) {
            if (n.slot_count > 0) {
                const double err = std::fabs(100 - (100.0 * expected / n.slot_count));
                plan.threshold_reached |= err > threshold;
            } else if (expected > 1) {
                plan.threshold_reached = true;
            }
        }
        plan.order.push_back(static_cast<int>(i));
    }
    if (!plan.threshold_reached) {
        return plan;
    }
    // Rounding can leave the balances summing above zero: make the receivers take the rest so
    // that every slot given has a taker.
    while (total_balance > 0) {
        for (BalanceNode& n : ns) {
            if (n.balance <= 0 && total_balance > 0) {
                n.balance--;
                total_balance--;
            }
        }
    }
    std::stable_sort(plan.order.begin(), plan.order.end(), [&](int a, int b) {
        return ns[static_cast<size_t>(a)].balance < ns[static_cast<size_t>(b)].balance;
    });
    std::vector<int> bal(ns.size());
    for (size_t i = 0; i < ns.size(); i++) {
        bal[i] = ns[i].balance;
    }
    pair_moves(std::move(bal), &plan);
    return plan;
}

}  // namespace slotcache::cli::cluster
