// Moving slots and their keys between nodes, and the single-slot commands the manager builds
// on (redis-cli's clusterManagerMoveSlot, clusterManagerMigrateKeysInSlot, clusterManagerSetSlot
// Owner ...). Used by reshard, rebalance and fix.
//
// A slot moves in the cluster specification's steps ("Cluster live reconfiguration"):
//   1. target: CLUSTER SETSLOT <slot> IMPORTING <source-id>
//   2. source: CLUSTER SETSLOT <slot> MIGRATING <target-id>
//   3. source: CLUSTER GETKEYSINSLOT <slot> <pipeline>, then MIGRATE host port "" 0 <timeout>
//      [REPLACE] [AUTH ...] KEYS k1 .. kN, until the slot is empty
//   4. CLUSTER SETSLOT <slot> NODE <target-id> on the target first, then the source, then the
//      other masters. redis-cli 7.0 asks the masters in list order; the target goes first here
//      because until it owns the slot, a client redirected there with MOVED by a node that
//      already updated gets sent back (the order Redis 7.2 and the spec recommend).
// A "cold" move (fix) does only step 3. A key that already exists on the target (BUSYKEY) is
// replaced only with --cluster-replace, or when both copies hold the same value (compared with
// DEBUG DIGEST-VALUE, or DUMP payloads on servers without it).
//
// Main thread; blocking I/O; prints as redis-cli does.
#pragma once

#include <string>
#include <vector>

#include "cli/cluster/manager.h"
#include "cli/cluster/progress.h"

namespace slotcache::cli::cluster {

struct MoveOptions {
    bool verbose = false;          // a '.' per key moved (the "Moving slot ...: ..." line)
    bool cold = false;             // keys only: no IMPORTING / MIGRATING / NODE
    bool update = false;           // move the slot from source to target in the manager's model
    bool quiet = false;            // no "Moving slot N from A to B: " line
    Progress* progress = nullptr;  // when set: counts the keys, replaces line and dots
};

// CLUSTER SETSLOT <slot> <state> <other's ID> on node. On an error reply, *err gets it when
// err is given, otherwise it is printed.
bool set_slot(Manager& m, Node* node, const Node& other, int slot, const char* state,
              std::string* err);
bool clear_slot_status(Manager& m, Node* node, int slot);  // SETSLOT <slot> STABLE
// CLUSTER DELSLOTS; with ignore_unassigned, "already unassigned" is not an error.
bool del_slot(Manager& m, Node* node, int slot, bool ignore_unassigned);
bool bump_epoch(Manager& m, Node* node);
// CLUSTER COUNTKEYSINSLOT, or -1 on an error.
long long count_keys_in_slot(Manager& m, Node* node, int slot);
// The master among nodes with the most keys in slot (the first on a tie); null on an error.
Node* node_with_most_keys(Manager& m, const std::vector<Node*>& nodes, int slot);
// The node that serves slot according to asked's CLUSTER SLOTS; null when unassigned (err
// empty) or on an error (err set).
Node* slot_owner(Manager& m, Node* asked, int slot, std::string* err);
// Makes owner the slot's owner in its own configuration: DELSLOTS, ADDSLOTS, [SETSLOT STABLE],
// BUMPEPOCH, in one MULTI/EXEC where the server has transactions, one by one otherwise.
bool set_slot_owner(Manager& m, Node* owner, int slot, bool clear_status);
// Moves slot (and its keys) from source to target. err receives the first error.
bool move_slot(Manager& m, Node* source, Node* target, int slot, const MoveOptions& opts,
               std::string* err);

}  // namespace slotcache::cli::cluster
