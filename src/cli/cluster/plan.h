// The decisions of the cluster manager, as pure functions: how `create` splits the slots and
// pairs replicas with masters (anti-affinity by host), which slots a reshard takes from which
// source, how `rebalance` computes each master's balance, and what `--cluster-slots` means.
//
// Approach: redis-cli 7.0's algorithms (clusterManagerCommandCreate, clusterManagerGetAntiAffinity
// Score / OptimizeAntiAffinity, clusterManagerComputeReshardTable, clusterManagerCommandRebalance),
// including their float arithmetic, so that the same cluster gets the same plan from
// `slotcache-cli --cluster` as from `redis-cli --cluster`: operators compare the two. Where
// redis-cli sorts with qsort (unstable), a stable sort is used so the plan is deterministic.
// Additions: a seedable random source for the anti-affinity optimizer (tests), and percentages
// for --cluster-slots.
//
// Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cluster/nodes_text.h"

namespace slotcache::cli::cluster {

// --- create -----------------------------------------------------------------------------

struct SlotRangePlan {
    int first = 0;
    int last = 0;
};

// One "Adding replica <replica> to <master>" decision, in the order redis-cli prints them;
// extra is set for those made after "Adding extra replicas...".
struct ReplicaAssignment {
    int replica = 0;  // index into the node list
    int master = 0;
    bool extra = false;
};

struct CreatePlan {
    std::vector<int> masters;            // node indices, Master[0], Master[1], ...
    std::vector<SlotRangePlan> ranges;   // the slots of each master
    std::vector<ReplicaAssignment> log;  // the replica decisions, in order
    std::vector<int> replica_of;         // per node: its master's index, or -1
};

// The masters (nodes.size() / (replicas + 1) of them, the first of the nodes interleaved by
// host), their contiguous slot ranges, and each replica's master, preferring a master on
// another host. hosts[i] is node i's host. Requires at least one master.
CreatePlan plan_create(const std::vector<std::string>& hosts, int replicas);

// redis-cli's anti-affinity score of replica_of: 10000 per replica on its master's host, and
// 1 per replica sharing a host with another replica of the same master (lower is better).
// offenders (may be null) receives one replica per offending (host, master) group.
int anti_affinity_score(const std::vector<std::string>& hosts, const std::vector<int>& replica_of,
                        std::vector<int>* offenders);

// Swaps the masters of random replica pairs (at most 500 * nodes tries), keeping swaps that do
// not make the score worse. Returns the final score. seed makes the walk reproducible.
int optimize_anti_affinity(const std::vector<std::string>& hosts, std::vector<int>* replica_of,
                           uint64_t seed);

// --- reshard ----------------------------------------------------------------------------

struct ReshardSource {
    std::string id;
    SlotSet slots;
    int slot_count = 0;
};

struct ReshardMove {
    int source = 0;  // index into the sources
    int slot = 0;
};

// Which slots to take: numslots spread over the sources in proportion to their slot counts
// (the largest source rounded up, the others down), each source giving its lowest slots; when
// the rounding leaves the table short, the sources give one more slot each in turn (redis-cli
// moves fewer slots than asked there). At most the sources' total.
std::vector<ReshardMove> plan_reshard(const std::vector<ReshardSource>& sources, int numslots);

// "--cluster-slots": a count ("100"), or a percentage of the 16384 slots ("5%", "2.5%"),
// rounded to the nearest slot and at least 1. False for anything else or a result outside
// 1..16384. A count is read as redis-cli reads it (atoi): "0" and "" mean "ask".
bool parse_slot_count(std::string_view text, int* out);

// --- rebalance --------------------------------------------------------------------------

struct BalanceNode {
    int slot_count = 0;
    float weight = 1.0f;
    int balance = 0;  // out: slots to give (> 0) or to receive (< 0)
};

struct BalanceMove {
    int source = 0;  // indices into the nodes
    int target = 0;
    int slots = 0;
};

struct RebalancePlan {
    float total_weight = 0;
    bool threshold_reached = false;
    std::vector<int> order;          // node indices sorted by balance (receivers first)
    std::vector<BalanceMove> moves;  // in the order redis-cli makes them
};

// nodes are the masters taking part (with their weights); their balances are filled in.
// threshold is a percentage: a node counts as unbalanced when its slot count differs from the
// expected one by more than that.
RebalancePlan plan_rebalance(std::vector<BalanceNode>* nodes, double threshold);

}  // namespace slotcache::cli::cluster
