// ClusterState's decision logic, a transcription of Redis 7.0 cluster.c's rules over our node
// table (each function names the cluster.c function it follows). Time is always the caller's
// now_ms so the tests drive a fake clock.
//
// Approach: the slot table (slots_) and every node's bitmap (Node::slots, num_slots) are kept in
// agreement by add_slot/del_slot, the only two functions that write either; everything else goes
// through them. Rejected: deriving owners from the bitmaps on demand (a MOVED lookup per command
// must be one array read).
//
// Invariants: slots_[s] == n  <=>  n->slots[s]; a replica is in its master's `replicas` exactly
// once; no pointer to a deleted node survives del_node (links excepted, they are the bus').
//
// Loop thread only.
#include "cluster/state.h"

#include <algorithm>
#include <climits>

#include "common/log.h"
#include "common/random.h"

namespace slotcache::cluster {

namespace {

constexpr int64_t kFailReportValidityMult = 2;  // CLUSTER_FAIL_REPORT_VALIDITY_MULT
constexpr int64_t kFailUndoTimeMult = 2;        // CLUSTER_FAIL_UNDO_TIME_MULT
constexpr int64_t kBlacklistTtlMs = 60 * 1000;  // CLUSTER_BLACKLIST_TTL
constexpr int64_t kWritableDelayMs = 2000;      // CLUSTER_WRITABLE_DELAY
constexpr int64_t kMinRejoinDelayMs = 500;      // CLUSTER_MIN_REJOIN_DELAY
constexpr int64_t kMaxRejoinDelayMs = 5000;     // CLUSTER_MAX_REJOIN_DELAY

void remove_replica(Node* master, Node* replica) {
    auto& v = master->replicas;
    v.erase(std::remove(v.begin(), v.end(), replica), v.end());
    if (v.empty()) {
        master->flags &= static_cast<uint16_t>(~kNodeMigrateTo);
    }
}

}  // namespace

std::string random_node_id() { return random_hex(kNodeIdLen); }

ClusterState::ClusterState() {
    myself_ = create_node("", kNodeMyself | kNodeMaster, 0);
}

void ClusterState::set_myself(Node* n) {
    if (myself_ != nullptr) {
        myself_->flags &= static_cast<uint16_t>(~kNodeMyself);
    }
    myself_ = n;
    n->flags |= kNodeMyself;
}

// ---- nodes ------------------------------------------------------------------------------

Node* ClusterState::create_node(std::string id, uint16_t flags, int64_t now_ms) {
    if (id.empty()) {
        id = random_node_id();
    }
    if (Node* existing = find(id)) {
        return existing;
    }
    auto node = std::make_unique<Node>();
    node->id = id;
    node->flags = flags;
    node->ctime_ms = now_ms;
    Node* raw = node.get();
    nodes_.emplace(std::move(id), std::move(node));
    return raw;
}

Node* ClusterState::find(std::string_view id) const {
    auto it = nodes_.find(std::string(id));
    return it == nodes_.end() ? nullptr : it->second.get();
}

Node* ClusterState::find_handshake(std::string_view ip, int port) const {
    for (const auto& [id, n] : nodes_) {
        if (n->in_handshake() && n->ip == ip && n->port == port) {
            return n.get();
        }
    }
    return nullptr;
}

void ClusterState::del_node(Node* n) {
    if (n == nullptr || n == myself_) {
        return;
    }
    for (int s = 0; s < kSlots; ++s) {
        auto i = static_cast<size_t>(s);
        if (importing_from[i] == n) {
            importing_from[i] = nullptr;
        }
        if (migrating_to[i] == n) {
            migrating_to[i] = nullptr;
        }
        if (slots_[i] == n) {
            del_slot(s);
        }
    }
    for (auto& [id, other] : nodes_) {
        if (other.get() != n) {
            del_failure_report(other.get(), n);
        }
    }
    for (Node* r : n->replicas) {
        r->master = nullptr;
    }
    if (n->master != nullptr) {
        remove_replica(n->master, n);
    }
    nodes_.erase(n->id);
}

void ClusterState::rename_node(Node* n, std::string new_id) {
    auto it = nodes_.find(n->id);
    if (it == nodes_.end() || it->second.get() != n) {
        return;
    }
    std::unique_ptr<Node> owned = std::move(it->second);
    nodes_.erase(it);
    owned->id = new_id;
    nodes_.emplace(std::move(new_id), std::move(owned));
}

int ClusterState::masters_with_slots() const {
    int count = 0;
    for (const auto& [id, n] : nodes_) {
        if (n->is_master() && n->num_slots > 0) {
            ++count;
        }
    }
    return count;
}

// ---- master / replica -------------------------------------------------------------------

void ClusterState::set_master(Node* replica, Node* master) {
    Node* old = replica->master;
    if (old != nullptr && old != master) {
        remove_replica(old, replica);
        if (master == nullptr && replica != myself_) {
            // clusterSetNodeAsMaster: a former replica is a target for replica migration.
            replica->flags |= kNodeMigrateTo;
        }
    }
    replica->master = master;
    if (master == nullptr) {
        replica->flags &= static_cast<uint16_t>(~kNodeReplica);
        replica->flags |= kNodeMaster;
        return;
    }
    replica->flags &= static_cast<uint16_t>(~kNodeMaster);
    replica->flags |= kNodeReplica;
    if (std::find(master->replicas.begin(), master->replicas.end(), replica) ==
        master->replicas.end()) {
        master->replicas.push_back(replica);
    }
    master->flags |= kNodeMigrateTo;
}

// ---- slots ------------------------------------------------------------------------------

bool ClusterState::add_slot(Node* n, int slot) {
    auto i = static_cast<size_t>(slot);
    if (slots_[i] != nullptr) {
        return false;
    }
    slots_[i] = n;
    if (!n->slots.test(i)) {
        n->slots.set(i);
        ++n->num_slots;
        // clusterNodeSetSlotBit: a master getting its first slot becomes a target for replica
        // migration if any master has replicas now.
        if (n->num_slots == 1) {
            for (const auto& [id, m] : nodes_) {
                if (m->is_master() && !m->replicas.empty()) {
                    n->flags |= kNodeMigrateTo;
                    break;
                }
            }
        }
    }
    return true;
}

bool ClusterState::del_slot(int slot) {
    auto i = static_cast<size_t>(slot);
    Node* n = slots_[i];
    if (n == nullptr) {
        return false;
    }
    if (n->slots.test(i)) {
        n->slots.reset(i);
        --n->num_slots;
    }
    slots_[i] = nullptr;
    return true;
}

int ClusterState::clear_slots(Node* n) {
    int deleted = 0;
    for (int s = 0; s < kSlots; ++s) {
        if (slots_[static_cast<size_t>(s)] == n) {
            del_slot(s);
            ++deleted;
        }
    }
    return deleted;
}

void ClusterState::recount_slots(Node* n) {
    for (size_t i = 0; i < static_cast<size_t>(kSlots); ++i) {
        Node* owner = slots_[i];
        if (n->slots.test(i) && owner != n) {
            if (owner != nullptr) {
                owner->slots.reset(i);
                --owner->num_slots;
            }
            slots_[i] = n;
        } else if (!n->slots.test(i) && owner == n) {
            slots_[i] = nullptr;
        }
    }
    n->num_slots = static_cast<int>(n->slots.count());
}

SlotUpdate ClusterState::update_slots_from_master(Node* sender, uint64_t sender_epoch,
                                                  const std::bitset<kSlots>& claimed) {
    SlotUpdate up;
    if (sender == myself_) {
        LOG_WARNING("Discarding UPDATE message about myself.");
        return up;
    }
    Node* curmaster = myself_->is_master() ? myself_ : myself_->master;
    Node* newmaster = nullptr;
    int sender_slots = 0;
    int migrated_our_slots = 0;
    for (int s = 0; s < kSlots; ++s) {
        auto i = static_cast<size_t>(s);
        if (!claimed.test(i)) {
            continue;
        }
        ++sender_slots;
        Node* owner = slots_[i];
        if (owner == sender) {
            continue;
        }
        // A slot myself is importing changes only by CLUSTER SETSLOT (the resharding tool
        // closes it): the migrating side may already advertise the new owner.
        if (importing_from[i] != nullptr) {
            continue;
        }
        if (owner == nullptr || owner->config_epoch < sender_epoch) {
            if (owner == myself_) {
                up.dirty_slots.push_back(s);
            }
            if (owner != nullptr && owner == curmaster) {
                newmaster = sender;
                ++migrated_our_slots;
            }
            del_slot(s);
            add_slot(sender, s);
            up.changed = true;
        }
    }
    if (newmaster != nullptr && curmaster->num_slots == 0) {
        up.lost_all_my_slots = true;
        up.only_our_slots_claimed = sender_slots == migrated_our_slots;
    }
    // The reverse case (clusterProcessPacket step 2): the sender claims slots whose owner,
    // as we know it, has a greater config epoch; it missed a failover and needs an UPDATE.
    for (int s = 0; s < kSlots; ++s) {
        auto i = static_cast<size_t>(s);
        Node* owner = slots_[i];
        if (!claimed.test(i) || owner == sender || owner == nullptr) {
            continue;
        }
        if (owner->config_epoch > sender_epoch) {
            up.sender_is_stale = true;
            up.newer_owner = owner;
            break;
        }
    }
    return up;
}

// ---- epochs -----------------------------------------------------------------------------

uint64_t ClusterState::max_config_epoch() const {
    uint64_t max = 0;
    for (const auto& [id, n] : nodes_) {
        max = std::max(max, n->config_epoch);
    }
    return std::max(max, current_epoch);
}

bool ClusterState::bump_epoch_without_consensus() {
    uint64_t max = max_config_epoch();
    if (myself_->config_epoch != 0 && myself_->config_epoch == max) {
        return false;
    }
    ++current_epoch;
    myself_->config_epoch = current_epoch;
    LOG_WARNING("New configEpoch set to %llu",
                static_cast<unsigned long long>(myself_->config_epoch));
    return true;
}

bool ClusterState::handle_config_epoch_collision(const Node* sender) {
    if (sender->config_epoch != myself_->config_epoch || !sender->is_master() ||
        !myself_->is_master()) {
        return false;
    }
    // The node with the smaller ID moves: every node applies the same rule, so exactly one
    // of the two bumps.
    if (sender->id <= myself_->id) {
        return false;
    }
    ++current_epoch;
    myself_->config_epoch = current_epoch;
    return true;
}

bool ClusterState::observe_epochs(Node* sender, uint64_t sender_current,
                                  uint64_t sender_config) {
    bool changed = false;
    if (sender_current > current_epoch) {
        current_epoch = sender_current;
        changed = true;
    }
    if (sender_config > sender->config_epoch) {
        sender->config_epoch = sender_config;
        changed = true;
    }
    return changed;
}

// ---- failure reports --------------------------------------------------------------------

bool ClusterState::add_failure_report(Node* failing, Node* reporter, int64_t now_ms) {
    for (FailReport& fr : failing->fail_reports) {
        if (fr.reporter == reporter) {
            fr.time_ms = now_ms;
            return false;
        }
    }
    failing->fail_reports.push_back(FailReport{reporter, now_ms});
    return true;
}

void ClusterState::del_failure_report(Node* failing, Node* reporter) {
    auto& v = failing->fail_reports;
    v.erase(std::remove_if(v.begin(), v.end(),
                           [reporter](const FailReport& fr) { return fr.reporter == reporter; }),
            v.end());
}

int ClusterState::count_failure_reports(Node* failing, int64_t now_ms, int64_t node_timeout_ms) {
    int64_t max_age = node_timeout_ms * kFailReportValidityMult;
    auto& v = failing->fail_reports;
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const FailReport& fr) { return now_ms - fr.time_ms > max_age; }),
            v.end());
    return static_cast<int>(v.size());
}

bool ClusterState::mark_failing_if_needed(Node* n, int64_t now_ms, int64_t node_timeout_ms) {
    if (!n->timed_out() || n->is_failed()) {
        return false;
    }
    int needed_quorum = masters_with_slots() / 2 + 1;
    int failures = count_failure_reports(n, now_ms, node_timeout_ms);
    if (myself_->is_master()) {
        ++failures;
    }
    if (failures < needed_quorum) {
        return false;
    }
    LOG_NOTICE("Marking node %s as failing (quorum reached).", n->id.c_str());
    n->flags &= static_cast<uint16_t>(~kNodePfail);
    n->flags |= kNodeFail;
    n->fail_time_ms = now_ms;
    return true;
}

bool ClusterState::clear_failure_if_needed(Node* n, int64_t now_ms, int64_t node_timeout_ms) {
    if (!n->is_failed()) {
        return false;
    }
    if (n->is_replica() || n->num_slots == 0) {
        LOG_NOTICE("Clear FAIL state for node %s: %s is reachable again.", n->id.c_str(),
                   n->is_replica() ? "replica" : "master without slots");
        n->flags &= static_cast<uint16_t>(~kNodeFail);
        return true;
    }
    // A master still serving slots: nobody failed it over within 2 * node_timeout, so its
    // slots would stay down forever unless it is taken back.
    if (n->is_master() && now_ms - n->fail_time_ms > node_timeout_ms * kFailUndoTimeMult) {
        LOG_NOTICE("Clear FAIL state for node %s: is reachable again and nobody is serving its "
                   "slots after some time.",
                   n->id.c_str());
        n->flags &= static_cast<uint16_t>(~kNodeFail);
        return true;
    }
    return false;
}

// ---- FORGET ban list --------------------------------------------------------------------

void ClusterState::blacklist_add(std::string_view id, int64_t now_ms) {
    std::erase_if(blacklist_, [now_ms](const auto& e) { return e.second < now_ms; });
    blacklist_[std::string(id)] = now_ms + kBlacklistTtlMs;
}

bool ClusterState::is_blacklisted(std::string_view id, int64_t now_ms) {
    std::erase_if(blacklist_, [now_ms](const auto& e) { return e.second < now_ms; });
    return blacklist_.count(std::string(id)) != 0;
}

// ---- cluster state ----------------------------------------------------------------------

bool ClusterState::update_state(int64_t now_ms, const StateConfig& cfg) {
    if (!state_called_) {
        state_called_ = true;
        first_state_call_ms_ = now_ms;
    }
    if (myself_->is_master() && !ok_ && now_ms - first_state_call_ms_ < kWritableDelayMs) {
        return false;
    }
    bool new_ok = true;
    if (cfg.require_full_coverage) {
        for (Node* owner : slots_) {
            if (owner == nullptr || owner->is_failed()) {
                new_ok = false;
                break;
            }
        }
    }
    int reachable_masters = 0;
    size_ = 0;
    for (const auto& [id, n] : nodes_) {
        if (n->is_master() && n->num_slots > 0) {
            ++size_;
            if (!n->has_flag(kNodeFail | kNodePfail)) {
                ++reachable_masters;
            }
        }
    }
    if (reachable_masters < size_ / 2 + 1) {
        new_ok = false;
        was_in_minority_ = true;
        among_minority_ms_ = now_ms;
    }
    if (new_ok == ok_) {
        return false;
    }
    // A master back from the minority side waits for a configuration update (it may have
    // been failed over) before accepting writes again.
    int64_t rejoin_delay =
        std::clamp(cfg.node_timeout_ms, kMinRejoinDelayMs, kMaxRejoinDelayMs);
    if (new_ok && myself_->is_master() && was_in_minority_ &&
        now_ms - among_minority_ms_ < rejoin_delay) {
        return false;
    }
    LOG_WARNING("Cluster state changed: %s", new_ok ? "ok" : "fail");
    ok_ = new_ok;
    return true;
}

int ClusterState::slots_assigned() const {
    return static_cast<int>(
        std::count_if(slots_.begin(), slots_.end(), [](Node* n) { return n != nullptr; }));
}

int ClusterState::slots_ok() const {
    return static_cast<int>(std::count_if(slots_.begin(), slots_.end(), [](Node* n) {
        return n != nullptr && !n->has_flag(kNodeFail | kNodePfail);
    }));
}

int ClusterState::slots_pfail() const {
    return static_cast<int>(std::count_if(slots_.begin(), slots_.end(), [](Node* n) {
        return n != nullptr && !n->is_failed() && n->timed_out();
    }));
}

int ClusterState::slots_fail() const {
    return static_cast<int>(std::count_if(slots_.begin(), slots_.end(),
                                          [](Node* n) { return n != nullptr && n->is_failed(); }));
}

// ---- reset ------------------------------------------------------------------------------

void ClusterState::reset(bool hard, int64_t /*now_ms*/) {
    if (myself_->is_replica()) {
        set_master(myself_, nullptr);
    }
    migrating_to.fill(nullptr);
    importing_from.fill(nullptr);
    for (int s = 0; s < kSlots; ++s) {
        del_slot(s);
    }
    std::vector<Node*> others;
    for (const auto& [id, n] : nodes_) {
        if (n.get() != myself_) {
            others.push_back(n.get());
        }
    }
    for (Node* n : others) {
        del_node(n);
    }
    myself_->fail_reports.clear();
    if (hard) {
        current_epoch = 0;
        last_vote_epoch = 0;
        myself_->config_epoch = 0;
        LOG_WARNING("configEpoch set to 0 via CLUSTER RESET HARD");
        rename_node(myself_, random_node_id());
        LOG_NOTICE("Node hard reset, now I'm %s", myself_->id.c_str());
    }
}

}  // namespace slotcache::cluster
