// The texts and replies through which clients and tools see the cluster: CLUSTER NODES (whose
// lines are also nodes.conf's), CLUSTER SLOTS, CLUSTER SHARDS and CLUSTER INFO. redis-cli
// --cluster, redis-py and every cluster client parse these, so each is byte-compatible with Redis
// 7.0 (cluster.c: clusterGenNodeDescription, clusterReplyMultiBulkSlots, clusterReplyShards,
// clusterCommand "info").
//
// Approach: pure functions of the ClusterState plus the few facts the state does not hold (the
// preferred endpoint type, myself's replication offset, the bus counters), so the formatting is
// unit-tested byte for byte without a server. Node addresses are the Node's own fields (ip, port,
// cport, hostname), as Redis prints node->ip.
//
// Deliberate differences from Redis, where Redis' order is a hash table's iteration order (which
// no client may rely on): NODES lists nodes sorted by ID; SLOTS lists ranges by start slot;
// SHARDS lists shards by their first slot (slot-less masters last, by ID).
//
// Loop thread (reads ClusterState).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cluster/state.h"
#include "config/config.h"
#include "resp/reply.h"

namespace slotcache::cluster {

// Bus message type names as CLUSTER INFO prints them (cluster_stats_messages_<name>_sent),
// indexed by Redis' CLUSTERMSG_TYPE_* number: the bus counts BusStats::sent/received with these
// indices (0 ping, 1 pong, 2 meet, 3 fail, 4 publish, 5 auth-req, 6 auth-ack, 7 update,
// 8 mfstart, 9 module, 10 publishshard).
inline constexpr std::array<std::string_view, 11> kMessageTypeNames = {
    "ping", "pong", "meet", "fail", "publish", "auth-req", "auth-ack", "update", "mfstart",
    "module", "publishshard"};

// "myself,master", "slave,fail?", "noflags", ... (representClusterNodeFlags).
std::string node_flags_text(uint16_t flags);

// One CLUSTER NODES line without its trailing newline:
// "<id> <ip>:<port>@<cport>[,<hostname>] <flags> <master-id|-> <ping_sent> <pong_recv>
//  <config-epoch> <connected|disconnected> <slot ranges>[ migrating/importing entries]".
// A replica shows its master's config epoch (as Redis 7.0 does); myself shows ping/pong 0, is
// always "connected", and also lists "[slot->-id]" (migrating) and "[slot-<-id]" (importing).
std::string node_line(const ClusterState& st, const Node* n);

// Every node's line, each ending in '\n', sorted by node ID, skipping nodes with any flag of
// `skip_flags` (nodes.conf passes kNodeHandshake; CLUSTER NODES passes 0).
std::string nodes_text(const ClusterState& st, uint16_t skip_flags = 0);

// The endpoint string a client should use (Redis' getPreferredEndpoint): ip, or hostname ("?"
// when none is set), or "" for unknown-endpoint (MOVED then reads "MOVED 3999 :6381").
std::string preferred_endpoint(const Node* n, config::EndpointType type);

// CLUSTER SLOTS: for each contiguous range of slots of one master, [start, end, master,
// replicas...], where a node is [endpoint, port, id, {metadata}]; the metadata map holds "ip"
// when the endpoint is not the ip, and "hostname" when set and the endpoint is not the
// hostname. Endpoint type unknown-endpoint writes a null endpoint. FAIL replicas are skipped.
void write_slots_reply(resp::Reply& r, const ClusterState& st, config::EndpointType type);

// CLUSTER SHARDS: one map {"slots": [start, end, ...], "nodes": [node maps]} per master
// (master first, then its replicas); node maps hold id, port, ip, endpoint, hostname (when
// set), role ("master"/"replica"), replication-offset (myself_repl_offset for myself, the last
// advertised offset for others) and health ("online", "fail", or "loading" for a replica at
// offset 0).
void write_shards_reply(resp::Reply& r, const ClusterState& st, config::EndpointType type,
                        int64_t myself_repl_offset);

// CLUSTER INFO's text (lines end in "\r\n"). `sent`/`received` are indexed as
// kMessageTypeNames (extra entries are ignored); types with a zero count are not listed, as in
// Redis. Uses st.is_ok()/size(): call update_state() first. cluster_my_epoch is the master's
// config epoch when myself is a replica.
std::string cluster_info_text(const ClusterState& st, std::span<const uint64_t> sent,
                              std::span<const uint64_t> received,
                              uint64_t links_buffer_limit_exceeded = 0);

// "0-5460 5462 6000-6001": a node's slots as CLUSTER NODES prints them, space separated, no
// leading space; "" when it has none.
std::string slot_ranges_text(const std::bitset<kSlots>& slots);

}  // namespace slotcache::cluster
