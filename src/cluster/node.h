// A node of the cluster as this node knows it: identity, addresses, flags, epochs, the slots it
// claims, its replication relation, the liveness timestamps of failure detection, and the
// failure reports other masters sent about it. The words are the Redis Cluster spec's.
//
// Nodes are owned by ClusterState (state.h) and referenced by pointer everywhere else; a Node*
// is valid until ClusterState::del_node, which also clears every pointer to it (slots, masters,
// replicas, failure reports, links).
//
// Loop thread only.
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

namespace slotcache::cluster {

constexpr int kSlots = 16384;
constexpr size_t kNodeIdLen = 40;

// Redis' CLUSTER_NODE_* flags (the names CLUSTER NODES prints are in format.cpp).
enum NodeFlag : uint16_t {
    kNodeMyself = 1u << 0,
    kNodeMaster = 1u << 1,
    kNodeReplica = 1u << 2,
    kNodePfail = 1u << 3,
    kNodeFail = 1u << 4,
    kNodeHandshake = 1u << 5,  // MEET sent/received, the real ID is not known yet
    kNodeNoAddr = 1u << 6,     // we do not know its address
    kNodeMeet = 1u << 7,       // send a MEET (not a PING) on the next connection
    kNodeMigrateTo = 1u << 8,  // replica eligible for replica migration
    kNodeNoFailover = 1u << 9, // cluster-replica-no-failover
};

class BusLink;
struct Node;

struct FailReport {
    Node* reporter;   // a master that flagged this node PFAIL or FAIL in its gossip
    int64_t time_ms;  // when we last heard it; reports older than node_timeout * 2 expire
};

struct Node {
    std::string id;  // 40 lowercase hex characters (random while in handshake)
    std::string ip;  // "" when unknown (kNodeNoAddr)
    int port = 0;    // client port
    int cport = 0;   // cluster bus port
    std::string hostname;  // cluster-announce-hostname, "" when none
    uint16_t flags = 0;
    int64_t ctime_ms = 0;  // creation (handshake timeout is measured from it)

    uint64_t config_epoch = 0;
    std::bitset<kSlots> slots;  // the slots this node claims (as we believe)
    int num_slots = 0;

    Node* master = nullptr;  // for replicas: their master, when known
    std::vector<Node*> replicas;
    int64_t repl_offset = 0;  // last replication offset it advertised

    int64_t ping_sent_ms = 0;      // 0 when no ping is awaiting its pong
    int64_t pong_received_ms = 0;  // last PONG (or any message, in some cases) from it
    int64_t data_received_ms = 0;  // last byte of any message from it
    int64_t fail_time_ms = 0;      // when it was flagged FAIL
    int64_t voted_time_ms = 0;     // last time we voted for one of its replicas
    int64_t repl_offset_time_ms = 0;
    int64_t orphaned_time_ms = 0;
    std::vector<FailReport> fail_reports;

    BusLink* link = nullptr;          // our outbound link to it (owned by the bus)
    BusLink* inbound_link = nullptr;  // its link to us, once identified

    bool has_flag(uint16_t f) const { return (flags & f) != 0; }
    bool is_master() const { return has_flag(kNodeMaster); }
    bool is_replica() const { return has_flag(kNodeReplica); }
    bool is_myself() const { return has_flag(kNodeMyself); }
    bool in_handshake() const { return has_flag(kNodeHandshake); }
    bool is_failed() const { return has_flag(kNodeFail); }
    bool timed_out() const { return has_flag(kNodePfail); }
    bool has_slot(int slot) const { return slots.test(static_cast<size_t>(slot)); }
};

}  // namespace slotcache::cluster
