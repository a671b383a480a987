// The decisions of replica failover (Redis Cluster spec, "Replica election and promotion",
// "Masters reply to replica vote request", "Replica migration"), kept pure: they read the
// ClusterState and the numbers the caller passes (offsets, ages, the clock, a random draw), so
// that every rule is unit-tested with a fake clock (tests/unit/cluster_election_test.cpp). The
// messages and timers that act on them are in failover.cpp.
//
// Loop thread only.
#pragma once

#include <bitset>
#include <cstdint>

#include "cluster/node.h"
#include "cluster/state.h"

namespace slotcache::cluster {

// Redis' CLUSTER_MF_TIMEOUT: a manual failover that did not finish in 5 s is abandoned.
constexpr int64_t kManualFailoverTimeoutMs = 5000;
// Redis' CLUSTER_SLAVE_MIGRATION_DELAY: a master must stay orphaned this long before a
// replica migrates to it (a failover in progress may give it a replica first).
constexpr int64_t kReplicaMigrationDelayMs = 5000;

// clusterGetSlaveRank: how many replicas of myself's master have a greater replication offset
// than `my_offset` (replicas flagged no-failover do not count: they never run). 0 = best.
int replica_rank(const ClusterState& st, int64_t my_offset);

// When several masters fail at once, their replicas would start elections in the same window
// and split the votes. Ordering the failed masters by ID and delaying each shard by its
// position (Valkey's failed-primary rank) separates the elections. Returns how many
// slot-serving masters in FAIL have an ID smaller than myself's master.
int failed_master_rank(const ClusterState& st);

// The wait before an election: a fixed part, min(500 ms, node_timeout / 30) (Valkey found a
// shorter fixed part safe: the FAIL message needs that long to reach the majority only with
// huge timeouts), plus `jitter_ms` (a random draw in 0..499 so that replicas of one master do
// not start together), plus 1 s per rank, plus 500 ms per failed-master rank.
int64_t election_delay_ms(int64_t node_timeout_ms, int rank, int failed_master_rank,
                          int64_t jitter_ms);

// The part of the data age that counts against a replica (clusterHandleSlaveFailover): the
// time the master was not heard from, less node_timeout (which passed anyway before the master
// was flagged). A replica whose age exceeds repl-ping-replica-period + node_timeout * factor
// may not start an automatic election (factor 0: any age is fine).
bool data_too_old(int64_t data_age_ms, int64_t node_timeout_ms, int64_t validity_factor,
                  int64_t ping_period_ms);

// Why a master refuses a FAILOVER_AUTH_REQUEST (clusterSendFailoverAuthIfNeeded). None: vote.
enum class VoteRefusal : uint8_t {
    None,
    NotVoter,        // myself is a replica or serves no slot: only slot-serving masters vote
    OldEpoch,        // the request's currentEpoch is older than ours
    AlreadyVoted,    // we voted in this epoch already
    NotReplica,      // the requester is a master, or its master is unknown to us
    MasterNotFailed, // its master is not FAIL and the request is not a manual failover's
    VotedRecently,   // we voted for a replica of that master less than node_timeout * 2 ago
    SlotsNewer,      // a claimed slot is served, as we know it, with a newer config epoch
};

struct VoteRequest {
    const Node* requester = nullptr;
    uint64_t current_epoch = 0;
    uint64_t config_epoch = 0;  // of the slots claimed: the requester's master's
    const std::bitset<kSlots>* slots = nullptr;
    bool force_ack = false;  // manual failover: vote even though the master is not FAIL
};

VoteRefusal check_vote(const ClusterState& st, const VoteRequest& req, int64_t now_ms,
                       int64_t node_timeout_ms);
const char* vote_refusal_text(VoteRefusal r);

// Replica migration (clusterCron + clusterHandleSlaveMigration). Updates every master's
// orphaned_time_ms and returns the orphan myself should move to now, or null. An orphan is a
// slot-serving master, not FAIL, with no working replica, that had replicas before
// (kNodeMigrateTo). Myself moves when: the cluster is ok; myself's master has the most working
// replicas of any master, at least 2 and more than `barrier`; among the replicas of every
// master with that most, myself has the smallest ID (one mover, chosen the same way by all);
// and the orphan has been orphaned for kReplicaMigrationDelayMs.
Node* replica_migration_target(ClusterState& st, int64_t now_ms, int barrier);

// Working replicas of a master (clusterCountNonFailingSlaves).
int working_replicas(const Node* master);

}  // namespace slotcache::cluster
