// The text the cluster manager reads from servers: CLUSTER NODES lines, redis-cli's "config
// signature" (how it decides that the nodes agree about the slots), the slot-range form it
// prints ("[0-5460],[5462]"), and INFO fields.
//
// Approach: parse the whole reply into value types once, then let the manager decide; the
// parsing follows redis-cli 7.0 (clusterManagerNodeLoadInfo, clusterManagerGetConfigSignature),
// so that a slotcache node and a redis-server node are read the same way, including Redis 7's
// "ip:port@cport,hostname" address form and the "[slot->-id]" / "[slot-<-id]" open-slot entries.
//
// Pure functions, any thread.
#pragma once

#include <bitset>
#include <string>
#include <string_view>
#include <vector>

namespace slotcache::cli::cluster {

inline constexpr int kSlots = 16384;
using SlotSet = std::bitset<kSlots>;

// A slot in migrating or importing state and the other node of the move.
struct OpenSlot {
    int slot = 0;
    std::string node_id;
};

// One line of CLUSTER NODES.
struct NodeLine {
    std::string id;
    std::string host;  // "" when the node has no address yet (noaddr)
    int port = 0;
    int bus_port = 0;
    std::vector<std::string> flags;  // in the order listed: "myself", "master", "slave", "fail?"...
    std::string master_id;           // "" for "-"
    long long ping_sent = 0;
    long long pong_recv = 0;
    long long config_epoch = 0;
    std::string link_state;  // "connected" / "disconnected"
    SlotSet slots;
    int slot_count = 0;
    std::vector<OpenSlot> migrating;
    std::vector<OpenSlot> importing;

    bool has_flag(std::string_view flag) const;
};

// Every line of a CLUSTER NODES reply. False with *err on a line with fewer than the 8 fixed
// fields, an address without a port, or a slot outside 0..16383.
bool parse_cluster_nodes(std::string_view text, std::vector<NodeLine>* out, std::string* err);

// redis-cli's config signature of one node's CLUSTER NODES: "id:slots,slots|id:slots" for the
// nodes that serve slots, the slot tokens and then the entries sorted as strings (open-slot
// entries are not part of it). Two nodes agree about the slots when their signatures are equal.
// Empty when no node serves a slot.
std::string config_signature(std::string_view cluster_nodes);

// "[0-5460],[5462]": the slots as redis-cli prints them after "slots:".
std::string format_slot_ranges(const SlotSet& slots);

// The value of "field:" in an INFO (or CLUSTER INFO) text, up to the end of its line; "" when
// the field is absent.
std::string info_field(std::string_view info, std::string_view field);

}  // namespace slotcache::cli::cluster
