// Failover decisions; see election.h. Rules cite the Redis Cluster specification.
#include "cluster/election.h"

#include <algorithm>

namespace slotcache::cluster {

int replica_rank(const ClusterState& st, int64_t my_offset) {
    const Node* me = st.myself();
    const Node* master = me->master;
    if (master == nullptr) return 0;
    int rank = 0;
    for (const Node* r : master->replicas) {
        if (r == me || r->has_flag(kNodeNoFailover)) continue;
        if (r->repl_offset > my_offset) rank++;
    }
    return rank;
}

int failed_master_rank(const ClusterState& st) {
    const Node* mine = st.myself()->master;
    if (mine == nullptr) return 0;
    int rank = 0;
    for (const auto& [id, n] : st.nodes()) {
        const Node* m = n.get();
        if (m == mine || !m->is_master() || !m->is_failed() || m->num_slots == 0) continue;
        if (m->id < mine->id) rank++;
    }
    return rank;
}

int64_t election_delay_ms(int64_t node_timeout_ms, int rank, int failed_master_rank,
                          int64_t jitter_ms) {
    int64_t fixed = std::min<int64_t>(500, node_timeout_ms / 30);
    return fixed + jitter_ms + static_cast<int64_t>(rank) * 1000 +
           static_cast<int64_t>(failed_master_rank) * 500;
}

bool data_too_old(int64_t data_age_ms, int64_t node_timeout_ms, int64_t validity_factor,
                  int64_t ping_period_ms) {
    if (validity_factor == 0) return false;
    if (data_age_ms > node_timeout_ms) data_age_ms -= node_timeout_ms;
    return data_age_ms > ping_period_ms + node_timeout_ms * validity_factor;
}

VoteRefusal check_vote(const ClusterState& st, const VoteRequest& req, int64_t now_ms,
                       int64_t node_timeout_ms) {
    const Node* me = st.myself();
    if (me->is_replica() || me->num_slots == 0) return VoteRefusal::NotVoter;
    if (req.current_epoch < st.current_epoch) return VoteRefusal::OldEpoch;
    if (st.last_vote_epoch == st.current_epoch) return VoteRefusal::AlreadyVoted;
    const Node* r = req.requester;
    if (r == nullptr || r->is_master() || r->master == nullptr) return VoteRefusal::NotReplica;
    const Node* master = r->master;
    if (!master->is_failed() && !req.force_ack) return VoteRefusal::MasterNotFailed;
    // Two replicas of one master must not both win in consecutive epochs: the first winner
    // needs time to tell everyone.
    if (master->voted_time_ms != 0 && now_ms - master->voted_time_ms < node_timeout_ms * 2) {
        return VoteRefusal::VotedRecently;
    }
    if (req.slots != nullptr) {
        for (int s = 0; s < kSlots; ++s) {
            if (!req.slots->test(static_cast<size_t>(s))) continue;
            const Node* owner = st.slot_owner(s);
            if (owner == nullptr || owner->config_epoch <= req.config_epoch) continue;
            return VoteRefusal::SlotsNewer;
        }
    }
    return VoteRefusal::None;
}

const char* vote_refusal_text(VoteRefusal r) {
    switch (r) {
        case VoteRefusal::None: return "granted";
        case VoteRefusal::NotVoter: return "I am not a slot-serving master";
        case VoteRefusal::OldEpoch: return "its current epoch is older than mine";
        case VoteRefusal::AlreadyVoted: return "I already voted in this epoch";
        case VoteRefusal::NotReplica: return "it is not a replica of a master I know";
        case VoteRefusal::MasterNotFailed: return "its master is not in FAIL state";
        case VoteRefusal::VotedRecently:
            return "I voted for a replica of that master less than node_timeout * 2 ago";
        case VoteRefusal::SlotsNewer: return "a slot it claims has a newer config epoch";
    }
    return "?";
}

int working_replicas(const Node* master) {
    int ok = 0;
    for (const Node* r : master->replicas) {
        if (!r->has_flag(kNodeFail | kNodePfail)) ok++;
    }
    return ok;
}

Node* replica_migration_target(ClusterState& st, int64_t now_ms, int barrier) {
    Node* me = st.myself();
    int max_replicas = 0;
    int my_siblings = 0;
    bool any_orphan = false;
    for (const auto& [id, up] : st.nodes()) {
        Node* n = up.get();
        if (!n->is_master() || n->has_flag(kNodeFail | kNodePfail | kNodeHandshake)) continue;
        int ok = working_replicas(n);
        if (ok == 0 && n->num_slots > 0 && n->has_flag(kNodeMigrateTo)) any_orphan = true;
        max_replicas = std::max(max_replicas, ok);
        if (me->master == n) my_siblings = ok;
    }
    Node* target = nullptr;
    Node* candidate = me;
    for (const auto& [id, up] : st.nodes()) {
        Node* n = up.get();
        bool orphan = n->is_master() && !n->is_failed() && n->has_flag(kNodeMigrateTo) &&
                      working_replicas(n) == 0;
        if (orphan) {
            if (n->orphaned_time_ms == 0) n->orphaned_time_ms = now_ms;
            // The first orphan in table order; every replica picks from the same table only
            // up to ordering, which is fine: a second orphan gets the next mover.
            if (n->num_slots > 0 && (target == nullptr || n->id < target->id)) target = n;
        } else {
            n->orphaned_time_ms = 0;
        }
        if (n->is_master() && !n->has_flag(kNodeFail | kNodePfail) &&
            working_replicas(n) == max_replicas) {
            for (Node* r : n->replicas) {
                if (r->id < candidate->id) candidate = r;
            }
        }
    }
    if (!me->is_replica() || me->master == nullptr || !st.is_ok() || !any_orphan) return nullptr;
    if (max_replicas < 2 || my_siblings != max_replicas || my_siblings <= barrier) return nullptr;
    if (target == nullptr || candidate != me) return nullptr;
    if (now_ms - target->orphaned_time_ms <= kReplicaMigrationDelayMs) return nullptr;
    return target;
}

}  // namespace slotcache::cluster
