// The CLUSTER command family (CLUSTER MEET, NODES, MYID, SLOTS, SHARDS, INFO, KEYSLOT,
// COUNTKEYSINSLOT, GETKEYSINSLOT, ADDSLOTS, ADDSLOTSRANGE, DELSLOTS, DELSLOTSRANGE, FLUSHSLOTS,
// SETSLOT, FORGET, RESET, SAVECONFIG, SET-CONFIG-EPOCH, BUMPEPOCH, COUNT-FAILURE-REPORTS, LINKS,
// HELP) and READONLY, READWRITE, ASKING, with Redis 7.0's replies and error texts (cluster.c,
// clusterCommand).
//
// The rules that decide whether a slot command may run (slot arguments, SETSLOT's
// preconditions) are pure functions over a ClusterState, declared here so that they are
// unit-tested without a server (tests/unit/commands_cluster_test.cpp); the handlers in
// cluster.cpp parse, call them, apply through ClusterState / the Cluster facade, and reply.
//
// Loop thread only.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "cluster/node.h"

namespace slotcache::cluster {
class ClusterState;
}

namespace slotcache::server {
class CommandTable;
}

namespace slotcache::commands {

// CLUSTER (with its subcommands), READONLY, READWRITE, ASKING. Registered whatever
// cluster-enabled says: with it off, each replies "ERR This instance has cluster support
// disabled", as Redis does.
void register_cluster_commands(server::CommandTable& t);

// ---- pure rule checks ----------------------------------------------------------------------

// Redis' getSlotOrReply: an integer in Redis' syntax (parse_ll) within 0..16383, else -1 (the
// caller replies "ERR Invalid or out of range slot").
int parse_slot(std::string_view s);

// The slot arguments of ADDSLOTS/DELSLOTS (ranges false: one slot each) or ADDSLOTSRANGE/
// DELSLOTSRANGE (ranges true: start/end pairs; the caller has already refused an odd count as an
// arity error), checked against st in Redis' order:
//   - ADDSLOTS/DELSLOTS parse every argument first, then check each slot in turn;
//   - the RANGE forms parse and check one pair at a time (start, end, start <= end, slots).
// A slot check is: "already busy" (add) / "already unassigned" (del), then "specified multiple
// times". Returns "" and the slots to change in *slots, or the error text (*slots is then
// unspecified).
std::string check_slot_args(const cluster::ClusterState& st, std::span<const std::string_view> args,
                            bool ranges, bool del, std::bitset<cluster::kSlots>* slots);

// Applies checked slot arguments to myself (clusterUpdateSlots): each slot loses its importing
// mark (myself is now its real owner, or nobody is) and is assigned to myself or unassigned.
void apply_slot_args(cluster::ClusterState& st, const std::bitset<cluster::kSlots>& slots,
                     bool del);

enum class SetSlotAction : uint8_t { Importing, Migrating, Stable, Node };

struct SetSlotRequest {
    int slot = -1;
    SetSlotAction action = SetSlotAction::Stable;
    cluster::Node* target = nullptr;  // Importing / Migrating / Node; borrowed from the state
};

// CLUSTER SETSLOT's arguments (args[0] is the slot, args[1] the action, args[2] the node id)
// checked against st in Redis' order:
//   - myself is a replica           -> "ERR Please use SETSLOT only with masters."
//   - bad slot                      -> "ERR Invalid or out of range slot"
//   - MIGRATING id: slot not mine   -> "ERR I'm not the owner of hash slot <slot>";
//                   unknown id      -> "ERR I don't know about node <id>";
//                   a replica       -> "ERR Target node is not a master"
//   - IMPORTING id: slot mine       -> "ERR I'm already the owner of hash slot <slot>"; then the
//                   same node errors as MIGRATING
//   - STABLE
//   - NODE id:      unknown id      -> "ERR Unknown node <id>"; a replica -> "ERR Target node is
//                   not a master"; the slot is mine, id is not myself and keys_in_slot(slot) > 0
//                   -> "ERR Can't assign hashslot <slot> to a different node while I still hold
//                   keys for this hash slot."
//   - anything else, or a wrong argument count for the action
//                                   -> "ERR Invalid CLUSTER SETSLOT action or number of
//                                      arguments. Try CLUSTER HELP"
// Returns "" with *out filled, or the error text. keys_in_slot is called only for NODE.
std::string check_setslot(const cluster::ClusterState& st,
                          std::span<const std::string_view> args,
                          const std::function<size_t(int)>& keys_in_slot, SetSlotRequest* out);

// What apply_setslot() did that the caller must follow up.
struct SetSlotEffect {
    bool closed_import = false;  // NODE myself ended an import: broadcast a PONG now
    bool epoch_bumped = false;   // ... and myself took a new config epoch without consensus
    // NODE gave myself's last slot to another master: with cluster-allow-replica-migration,
    // myself becomes its replica (Redis 7.0's SETSLOT NODE, as for a slot lost by gossip).
    bool lost_last_slot = false;
};

// Applies a checked request (state marks and ownership only; keys are not touched):
//   - IMPORTING / MIGRATING set importing_from / migrating_to for the slot;
//   - STABLE clears both marks;
//   - NODE: a slot without keys here loses its migrating mark, the slot is reassigned to the
//     target, and when the target is myself and the slot was being imported, the importing mark
//     is cleared and myself's config epoch is bumped without consensus (so that the new owner
//     wins the slot on every node: spec "Slot migration", clusterBumpConfigEpochWithoutConsensus);
//     giving away myself's last slot sets lost_last_slot.
SetSlotEffect apply_setslot(cluster::ClusterState& st, const SetSlotRequest& req,
                            size_t keys_in_slot);

}  // namespace slotcache::commands
