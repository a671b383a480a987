// ClusterState: this node's view of the cluster (Redis' clusterState): the node table, which
// master serves each of the 16384 slots, the migrating/importing marks, currentEpoch and
// lastVoteEpoch, the FORGET ban list, and whether the cluster is ok or fail.
//
// Everything here is pure decision logic over that data: no sockets, no files, no clock (the
// caller passes now_ms), so that slot claims, epoch rules, failure reports and the cluster state
// are unit-tested with a fake clock (tests/unit/cluster_state_test.cpp). The bus (bus.cpp) and
// the gossip handlers (gossip.cpp) call these functions; nodes.conf (nodes_conf.h) serialises it.
//
// Rules follow the Redis Cluster specification; the sections are cited at each function.
//
// Loop thread only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cluster/node.h"

namespace slotcache::cluster {

struct StateConfig {
    int64_t node_timeout_ms = 15000;
    bool require_full_coverage = true;
    int migration_barrier = 1;
};

// What update_slots_from_master() decided, for the caller to act on.
struct SlotUpdate {
    bool changed = false;            // slot ownership changed: save nodes.conf, update state
    bool sender_is_stale = false;    // the sender claims slots we know a newer owner for:
                                     // send it an UPDATE about `newer_owner`
    Node* newer_owner = nullptr;
    bool lost_all_my_slots = false;  // myself's master (myself if a master) lost its last
                                     // slot to the sender: become a replica of the sender
                                     // (failover, issue 5) or stay an empty master
    bool only_our_slots_claimed = false;  // every slot the sender claims was taken from our
                                          // master: with cluster-allow-replica-migration no,
                                          // Redis still follows the sender only in this case
    std::vector<int> dirty_slots;    // slots myself owned that moved to the sender; unless
                                     // myself becomes a replica, the caller drops the keys
                                     // it still holds in them
};

class ClusterState {
public:
    // Creates the table with `myself` as a fresh master with a random ID (nodes.conf loading
    // replaces it with the stored identity).
    ClusterState();
    ClusterState(const ClusterState&) = delete;
    ClusterState& operator=(const ClusterState&) = delete;

    Node* myself() const { return myself_; }
    // n (a node of this table) becomes myself: the flag moves from the previous myself, which
    // stays in the table as an ordinary node (nodes.conf loading then deletes it).
    void set_myself(Node* n);

    uint64_t current_epoch = 0;
    uint64_t last_vote_epoch = 0;

    // ---- nodes -------------------------------------------------------------------------
    // Creates a node; an empty id gets a random one (handshake nodes). Never fails: the
    // caller checks find() first (an existing id returns the existing node unchanged).
    Node* create_node(std::string id, uint16_t flags, int64_t now_ms);
    Node* find(std::string_view id) const;
    // A node in handshake with this address, if any (a second MEET to it is a no-op).
    Node* find_handshake(std::string_view ip, int port) const;
    // Removes the node and every reference to it (slots it served become unassigned, its
    // migrating/importing marks are cleared, its replicas lose their master, failure reports
    // it sent are dropped). Not myself. Links are the bus': the caller closes n->link and
    // n->inbound_link first (they point back to n).
    void del_node(Node* n);
    // A handshake node learned its real ID from its first PONG.
    void rename_node(Node* n, std::string new_id);
    const std::unordered_map<std::string, std::unique_ptr<Node>>& nodes() const { return nodes_; }
    size_t node_count() const { return nodes_.size(); }
    // Masters that serve at least one slot (the voters of failure detection and failover).
    int masters_with_slots() const;

    // ---- master / replica ---------------------------------------------------------------
    // Makes `replica` a replica of `master` (flags, lists), or a master when master is null
    // (Redis' clusterSetNodeAsMaster / clusterNodeAddSlave, with the kNodeMigrateTo marks).
    // Slots are untouched: a master turning replica keeps them until the caller clears them.
    void set_master(Node* replica, Node* master);

    // ---- slots --------------------------------------------------------------------------
    Node* slot_owner(int slot) const { return slots_[static_cast<size_t>(slot)]; }
    // False if the slot is already assigned (to anyone).
    bool add_slot(Node* n, int slot);
    // False if the slot was not assigned.
    bool del_slot(int slot);
    // Unassigns every slot of n; returns how many.
    int clear_slots(Node* n);
    // After direct edits of n->slots: the slot table follows n's bitmap (slots n gained are
    // taken from their previous owner, slots n lost become unassigned) and num_slots is
    // recounted.
    void recount_slots(Node* n);

    std::array<Node*, kSlots> migrating_to{};
    std::array<Node*, kSlots> importing_from{};

    // Spec "Slot configuration propagation" / clusterUpdateSlotsConfigWith: a master `sender`
    // with config epoch `sender_epoch` claims `claimed`. Every claimed slot that is unassigned,
    // or whose owner has a lower config epoch, moves to the sender (except slots myself is
    // importing). A claimed slot whose owner has a higher epoch marks the sender stale (checked
    // after the update, as Redis' clusterProcessPacket does). `sender` is not myself (a claim
    // by myself is ignored: Redis' "Discarding UPDATE message about myself").
    SlotUpdate update_slots_from_master(Node* sender, uint64_t sender_epoch,
                                        const std::bitset<kSlots>& claimed);

    // ---- epochs -------------------------------------------------------------------------
    uint64_t max_config_epoch() const;
    // clusterBumpConfigEpochWithoutConsensus: if myself's config epoch is 0 or not equal to
    // the greatest epoch known (configEpochs and currentEpoch), take currentEpoch+1 for both.
    // Returns true if it changed.
    bool bump_epoch_without_consensus();
    // Spec "Handling collisions": sender and myself are masters with the same config epoch
    // and myself has the lexicographically smaller ID -> currentEpoch+1 becomes our config
    // epoch. Returns true if it changed (caller saves nodes.conf).
    bool handle_config_epoch_collision(const Node* sender);
    // A message advertises the sender's currentEpoch / configEpoch: adopt a greater one (our
    // currentEpoch, the sender's config_epoch). Returns true if either changed (save
    // nodes.conf). The caller skips senders in handshake, as Redis does.
    bool observe_epochs(Node* sender, uint64_t sender_current, uint64_t sender_config);

    // ---- failure reports (spec "Failure detection") ----------------------------------------
    // `reporter` (a master) says `failing` is PFAIL or FAIL. Returns true if the report is new
    // (an existing report from the same reporter only gets its time refreshed).
    bool add_failure_report(Node* failing, Node* reporter, int64_t now_ms);
    void del_failure_report(Node* failing, Node* reporter);
    // Valid reports (younger than node_timeout * 2), after dropping the expired ones.
    int count_failure_reports(Node* failing, int64_t now_ms, int64_t node_timeout_ms);
    // markNodeAsFailingIfNeeded: PFAIL and reports from a majority of the slot-serving masters
    // (masters_with_slots() / 2 + 1; myself counted if a master) -> FAIL, fail_time_ms = now.
    // Returns true if the node just became FAIL (the caller broadcasts a FAIL message and
    // saves nodes.conf).
    bool mark_failing_if_needed(Node* n, int64_t now_ms, int64_t node_timeout_ms);
    // clearNodeFailureIfNeeded: a FAIL node that is reachable again loses the flag if it is a
    // replica or a slot-less master, or a master whose FAIL is older than node_timeout * 2
    // (its slots were not taken over). Returns true if cleared.
    bool clear_failure_if_needed(Node* n, int64_t now_ms, int64_t node_timeout_ms);

    // ---- FORGET ban list (spec: 60 seconds) ---------------------------------------------
    // Adding an id again restarts its 60 s; expired entries are dropped on every call.
    void blacklist_add(std::string_view id, int64_t now_ms);
    bool is_blacklisted(std::string_view id, int64_t now_ms);

    // ---- cluster state (clusterUpdateState) ---------------------------------------------
    // ok unless: (require_full_coverage and a slot is unassigned or served by a FAIL node), or
    // fewer than a majority of the slot-serving masters are reachable (not PFAIL/FAIL; myself
    // counts) -- so with no slot-serving master at all the state is fail. Also updates size().
    // Redis' delays apply: a master stays fail for 2 s after the first call (time to learn a
    // newer config after a restart), and a master that saw itself in the minority waits
    // node_timeout (clamped to 0.5..5 s) after that before turning ok. Returns true if ok/fail
    // changed.
    bool update_state(int64_t now_ms, const StateConfig& cfg);
    bool is_ok() const { return ok_; }
    int size() const { return size_; }
    int slots_assigned() const;
    int slots_ok() const;     // assigned to a node not PFAIL/FAIL
    int slots_pfail() const;
    int slots_fail() const;

    // CLUSTER RESET (clusterReset): myself becomes a master, migrating/importing marks are
    // cleared, every slot unassigned, every other node forgotten (the caller closes their
    // links first, see del_node); HARD also: new random ID, currentEpoch, lastVoteEpoch and
    // config epoch 0. The FORGET ban list is kept.
    void reset(bool hard, int64_t now_ms);

private:
    std::unordered_map<std::string, std::unique_ptr<Node>> nodes_;
    std::array<Node*, kSlots> slots_{};
    Node* myself_ = nullptr;
    std::unordered_map<std::string, int64_t> blacklist_;  // id -> expiry (ms)
    bool ok_ = false;
    int size_ = 0;
    // clusterUpdateState's statics: the first call (CLUSTER_WRITABLE_DELAY is measured from
    // it) and the last time myself saw itself among the minority.
    bool state_called_ = false;
    int64_t first_state_call_ms_ = 0;
    bool was_in_minority_ = false;
    int64_t among_minority_ms_ = 0;
};

// A random node ID: 40 lowercase hex characters.
std::string random_node_id();

}  // namespace slotcache::cluster
