// Replica failover, manual failover and replica migration (Redis Cluster spec, "Replica
// election and promotion", "Manual failover", "Replica migration"). The decisions are pure
// functions in election.h; this file holds the timers and the messages.
//
// Automatic failover, on a replica whose master is FAIL:
//   1. plan the election at now + election_delay_ms (rank by replication offset, failed-master
//      rank by shard); our other sibling replicas get a PONG so they rank against our offset;
//   2. a better-ranked sibling appearing meanwhile pushes the start back by 1 s per rank;
//   3. at the start: currentEpoch + 1, FAILOVER_AUTH_REQUEST to everyone;
//   4. a majority of slot-serving masters answering FAILOVER_AUTH_ACK within
//      max(node_timeout * 2, 2 s): myself takes the master's slots with the election's epoch
//      as config epoch, stops replicating and broadcasts a PONG. Without it, a new election
//      is planned after twice that time.
// The old master and the other replicas learn the new owner from its messages (or an UPDATE)
// and follow it: apply_slot_update() in gossip.cpp.
//
// Manual failover (CLUSTER FAILOVER on a replica): the replica sends MFSTART; its master pauses
// writes for twice kManualFailoverTimeoutMs and pings the replica with the PAUSED flag and its
// offset; the replica, once it applied that offset, runs an election at once with FORCEACK
// (masters vote although the master is not FAIL). So every write the master acknowledged is
// on the replica before it takes over. FORCE skips the handshake; TAKEOVER skips the election
// (epoch bumped without consensus).
//
// Loop thread only.
#include <algorithm>

#include "cluster/bus.h"
#include "cluster/cluster.h"
#include "cluster/election.h"
#include "common/log.h"
#include "common/random.h"

namespace slotcache::cluster {

namespace {

// Reasons an election does not run, logged once per change (clusterLogCantFailover).
enum CantFailover : int {
    kCantNone = 0,
    kCantDataAge = 1,
    kCantWaitingDelay = 2,
    kCantExpired = 3,
    kCantWaitingVotes = 4,
};

}  // namespace

void Cluster::log_cant_failover(int reason, int64_t now) {
    // Repeat an unchanged reason only every 10 s, as Redis does; no log right after a master
    // failed (the other reasons are expected for a moment).
    if (reason == fo_.cant_failover_reason && now - fo_.last_cant_log_ms < 10000) return;
    fo_.cant_failover_reason = reason;
    Node* master = myself()->master;
    if (master && master->is_failed() && now - master->fail_time_ms < 5000) return;
    fo_.last_cant_log_ms = now;
    const char* msg = "";
    switch (reason) {
        case kCantDataAge: msg = "Disconnected from master for longer than allowed. Please check "
                                 "the 'cluster-replica-validity-factor' configuration option.";
            break;
        case kCantWaitingDelay: msg = "Waiting the delay before I can start a new failover."; break;
        case kCantExpired: msg = "Failover attempt expired."; break;
        case kCantWaitingVotes: msg = "Waiting for votes, but majority still not reached."; break;
        default: return;
    }
    LOG_NOTICE("Currently unable to failover: %s", msg);
}

void Cluster::arm_election_timer(int64_t delay_ms) {
    if (!started_) return;
    uv_timer_start(
        &election_timer_,
        [](uv_timer_t* t) {
            auto* self = static_cast<Cluster*>(t->data);
            if (self->myself()->is_replica()) self->handle_replica_failover(self->now_ms());
        },
        static_cast<uint64_t>(std::max<int64_t>(delay_ms, 0)), 0);
}

void Cluster::handle_replica_failover(int64_t now) {
    Node* me = myself();
    Node* master = me->master;
    int64_t timeout = cfg().cluster_node_timeout;
    int needed_quorum = state_.masters_with_slots() / 2 + 1;
    bool manual = fo_.mf_end_ms != 0 && fo_.mf_can_start;
    int64_t auth_timeout = std::max<int64_t>(timeout * 2, 2000);
    int64_t auth_retry_time = auth_timeout * 2;

    // Preconditions (not logged: they are the normal state of most replicas).
    bool no_failover = cfg().cluster_replica_no_failover || cfg().replica_priority == 0;
    if (me->is_master() || master == nullptr || (!master->is_failed() && !manual) ||
        (no_failover && !manual) || master->num_slots == 0) {
        fo_.cant_failover_reason = kCantNone;
        return;
    }
    int64_t data_age = host_ ? host_->cluster_master_silence_ms(now) : 0;
    if (!manual && data_too_old(data_age, timeout, cfg().cluster_replica_validity_factor,
                                cfg().repl_ping_replica_period * 1000)) {
        log_cant_failover(kCantDataAge, now);
        return;
    }
    int64_t my_offset = host_ ? host_->cluster_repl_offset() : me->repl_offset;
    // The previous attempt is over: plan the next one.
    if (now - fo_.auth_time_ms > auth_retry_time) {
        int rank = replica_rank(state_, my_offset);
        int shard_rank = failed_master_rank(state_);
        // The jitter keeps replicas of one master from asking in the same instant; the only
        // failover-capable replica of its master has nobody to collide with.
        bool siblings = false;
        for (const Node* r : master->replicas) {
            if (r != me && !r->has_flag(kNodeNoFailover | kNodeFail)) siblings = true;
        }
        int64_t jitter = siblings ? static_cast<int64_t>(random_below(500)) : 0;
        fo_.auth_time_ms = now + election_delay_ms(timeout, rank, shard_rank, jitter);
        fo_.auth_count = 0;
        fo_.auth_sent = false;
        fo_.auth_rank = rank;
        if (manual) {
            fo_.auth_time_ms = now;
            fo_.auth_rank = 0;
            todo(kTodoHandleFailover);
        }
        LOG_NOTICE("Start of election delayed for %lld milliseconds (rank #%d, offset %lld).",
                   static_cast<long long>(fo_.auth_time_ms - now), fo_.auth_rank,
                   static_cast<long long>(my_offset));
        arm_election_timer(fo_.auth_time_ms - now);
        // Our siblings rank themselves against the offset this carries.
        for (Node* r : master->replicas) {
            if (r != me && r->link && r->link->is_connected()) send_ping(r->link, MsgType::Pong);
        }
        return;
    }
    // A sibling with a better offset showed up: let it go first.
    if (!fo_.auth_sent && !manual) {
        int rank = replica_rank(state_, my_offset);
        if (rank > fo_.auth_rank) {
            int64_t added = static_cast<int64_t>(rank - fo_.auth_rank) * 1000;
            fo_.auth_time_ms += added;
            fo_.auth_rank = rank;
            arm_election_timer(fo_.auth_time_ms - now);
            LOG_NOTICE("Replica rank updated to #%d, added %lld milliseconds of delay.", rank,
                       static_cast<long long>(added));
        }
    }
    if (now < fo_.auth_time_ms) {
        log_cant_failover(kCantWaitingDelay, now);
        return;
    }
    if (now - fo_.auth_time_ms > auth_timeout) {
        log_cant_failover(kCantExpired, now);
        return;
    }
    if (!fo_.auth_sent) {
        state_.current_epoch++;
        fo_.auth_epoch = state_.current_epoch;
        LOG_NOTICE("Starting a failover election for epoch %llu.",
                   static_cast<unsigned long long>(state_.current_epoch));
        // The bumped epoch must survive a crash before anyone can vote on it.
        save_now();
        send_failover_auth_request();
        fo_.auth_sent = true;
        return;
    }
    if (fo_.auth_count >= needed_quorum) {
        LOG_NOTICE("Failover election won: I'm the new master.");
        if (me->config_epoch < fo_.auth_epoch) {
            me->config_epoch = fo_.auth_epoch;
            LOG_NOTICE("configEpoch set to %llu after successful failover",
                       static_cast<unsigned long long>(me->config_epoch));
        }
        failover_replace_my_master();
    } else {
        log_cant_failover(kCantWaitingVotes, now);
    }
}

void Cluster::failover_replace_my_master() {
    Node* me = myself();
    Node* old = me->master;
    if (me->is_master() || old == nullptr) return;
    state_.set_master(me, nullptr);
    std::bitset<kSlots> slots = old->slots;
    for (int s = 0; s < kSlots; ++s) {
        if (!slots.test(static_cast<size_t>(s))) continue;
        state_.del_slot(s);
        state_.add_slot(me, s);
    }
    if (host_) host_->cluster_became_master();
    state_.update_state(now_ms(), state_config());
    save_now();
    broadcast_pong();
    reset_manual_failover();
}

void Cluster::send_failover_auth_request() {
    Message m = build_header(MsgType::FailoverAuthRequest);
    if (fo_.mf_end_ms != 0) m.h.mflags |= kMsgForceAck;
    broadcast(m);
}

void Cluster::process_auth_request(BusLink* link, Node* sender, const Message& m) {
    if (sender == nullptr) return;
    int64_t now = now_ms();
    VoteRequest req;
    req.requester = sender;
    req.current_epoch = m.h.current_epoch;
    req.config_epoch = m.h.config_epoch;
    req.slots = &m.h.slots;
    req.force_ack = (m.h.mflags & kMsgForceAck) != 0;
    VoteRefusal why = check_vote(state_, req, now, cfg().cluster_node_timeout);
    if (why == VoteRefusal::NotVoter) return;
    if (why != VoteRefusal::None) {
        LOG_NOTICE("Failover auth denied to %.40s: %s", sender->id.c_str(),
                   vote_refusal_text(why));
        return;
    }
    state_.last_vote_epoch = state_.current_epoch;
    sender->master->voted_time_ms = now;
    // The vote must be on disk before it is sent: a restarted master must not vote twice in
    // one epoch.
    save_now();
    Message ack = build_header(MsgType::FailoverAuthAck);
    BusLink* out = sender->link && sender->link->is_connected() ? sender->link : link;
    out->send(ack);
    count_sent(MsgType::FailoverAuthAck);
    LOG_NOTICE("Failover auth granted to %.40s for epoch %llu", sender->id.c_str(),
               static_cast<unsigned long long>(state_.current_epoch));
}

void Cluster::process_auth_ack(Node* sender, const Message& m) {
    if (sender == nullptr) return;
    // Only slot-serving masters' votes count, and only for the election running now.
    if (sender->is_master() && sender->num_slots > 0 && m.h.current_epoch >= fo_.auth_epoch &&
        fo_.auth_sent) {
        fo_.auth_count++;
        todo(kTodoHandleFailover);
    }
}

void Cluster::process_mfstart(BusLink* link, Node* sender) {
    if (sender == nullptr || sender->master != myself()) return;
    reset_manual_failover();
    int64_t now = now_ms();
    fo_.mf_end_ms = now + kManualFailoverTimeoutMs;
    fo_.mf_replica_id = sender->id;
    if (host_) host_->cluster_pause_writes(now + kManualFailoverTimeoutMs * 2);
    LOG_NOTICE("Manual failover requested by replica %.40s.", sender->id.c_str());
    // The PING carries PAUSED and our offset: the replica can start as soon as it applied it.
    BusLink* out = sender->link && sender->link->is_connected() ? sender->link : link;
    send_ping(out, MsgType::Ping);
}

void Cluster::reset_manual_failover() {
    // The master side (it has the replica's ID) lifts its pause, whatever its role is now: a
    // master that just turned replica must release its clients, which then get MOVED.
    if (fo_.mf_end_ms != 0 && !fo_.mf_replica_id.empty() && host_) host_->cluster_pause_writes(0);
    fo_.mf_end_ms = 0;
    fo_.mf_replica_id.clear();
    fo_.mf_master_offset = -1;
    fo_.mf_can_start = false;
}

void Cluster::check_manual_failover_timeout(int64_t now) {
    if (fo_.mf_end_ms != 0 && fo_.mf_end_ms < now) {
        LOG_NOTICE("Manual failover timed out.");
        reset_manual_failover();
    }
}

void Cluster::handle_manual_failover(int64_t now) {
    (void)now;
    if (fo_.mf_end_ms == 0 || fo_.mf_can_start || fo_.mf_master_offset == -1) return;
    int64_t mine = host_ ? host_->cluster_repl_offset() : myself()->repl_offset;
    if (mine == fo_.mf_master_offset) {
        fo_.mf_can_start = true;
        LOG_NOTICE("All master replication stream processed, manual failover can start.");
        todo(kTodoHandleFailover);
    }
}

std::string Cluster::manual_failover(bool force, bool takeover) {
    Node* me = myself();
    if (me->is_master()) return "ERR You should send CLUSTER FAILOVER to a replica";
    Node* master = me->master;
    if (master == nullptr) return "ERR I'm a replica but my master is unknown to me";
    if (!force && !takeover && (master->is_failed() || !master->link || !master->link->is_connected())) {
        return "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE";
    }
    reset_manual_failover();
    int64_t now = now_ms();
    fo_.mf_end_ms = now + kManualFailoverTimeoutMs;
    // A user request starts a fresh attempt even right after an earlier election.
    fo_.auth_time_ms = 0;
    if (takeover) {
        // No election: a new config epoch of our own, then the slots. The operator accepts
        // that a partitioned majority may not have agreed.
        LOG_NOTICE("Taking over the master (user request).");
        state_.bump_epoch_without_consensus();
        failover_replace_my_master();
    } else if (force) {
        LOG_NOTICE("Forced failover user request accepted.");
        fo_.mf_can_start = true;
        todo(kTodoHandleFailover);
    } else {
        LOG_NOTICE("Manual failover user request accepted.");
        Message m = build_header(MsgType::MfStart);
        master->link->send(m);
        count_sent(MsgType::MfStart);
    }
    return "";
}

void Cluster::handle_replica_migration(int64_t now) {
    // Masters never migrate. A replica keeps the orphan timers current even when migration is
    // off, so that turning it on acts on the real orphan ages.
    if (myself()->is_master()) return;
    Node* target =
        replica_migration_target(state_, now, static_cast<int>(cfg().cluster_migration_barrier));
    if (target == nullptr || !cfg().cluster_allow_replica_migration) return;
    LOG_NOTICE("Migrating to orphaned master %.40s", target->id.c_str());
    follow(target);
}

void Cluster::follow(Node* master) {
    Node* me = myself();
    if (me->master == master) return;
    if (me->is_master()) {
        state_.clear_slots(me);
        state_.migrating_to.fill(nullptr);
        state_.importing_from.fill(nullptr);
    }
    state_.set_master(me, master);
    reset_manual_failover();
    if (host_) host_->cluster_follow(*master);
    todo(kTodoSaveConfig | kTodoFsyncConfig | kTodoUpdateState);
    broadcast_pong();
}

}  // namespace slotcache::cluster
