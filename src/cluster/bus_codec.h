// The cluster bus wire format: encode and decode of slotcache's own binary bus messages (the
// byte-level spec is the "Bus protocol" section of src/cluster/README.md; keep the two in step).
//
// Approach: every message is one frame, a 12-byte prefix (magic "SCBU", total length, version,
// type) then a body. All types except the light PUBLISH variants carry the full header (sender,
// epochs, replication offset, flags, addresses, the claimed slots) before their typed body.
// Integers are little-endian and fixed-width; strings are either fixed 40-byte node IDs or
// length-prefixed. The claimed slots travel as a list of ranges, or as the 2048-byte bitmap
// when that is smaller, so an idle master's PING is ~100 bytes plus gossip, not Redis' ~2256.
//
// Rejected: Redis' own clusterMsg layout (fixed 2256-byte header, host-order fields, padding we
// would have to mirror; we do not interoperate with Redis nodes on the bus anyway); protobuf or
// similar (a dependency and a second schema language for ~12 message types); varints (saves
// little next to the node IDs and complicates bounds checks).
//
// Invariants: decode() never reads outside [buf, buf + len) and validates every length, count,
// node ID and address before use; whatever decode() accepts, encode() re-encodes to a frame
// that decodes to an equal Message (the fuzz target checks this). Pure code: no sockets, no
// clock, no allocation beyond the Message itself. Any thread; the bus uses it on the loop thread.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/node.h"
#include "common/result.h"

namespace slotcache::cluster {

// Wire values: never renumber, only append.
enum class MsgType : uint8_t {
    Ping = 0,
    Pong = 1,
    Meet = 2,
    Fail = 3,
    Publish = 4,
    FailoverAuthRequest = 5,
    FailoverAuthAck = 6,
    Update = 7,
    MfStart = 8,
    PublishShard = 9,
    PublishLight = 10,       // PUBLISH with the 12-byte prefix only (peer already identified)
    PublishShardLight = 11,  // SPUBLISH, same
    Count = 12,              // number of known types
    Unknown = 255,           // decode(): a well-framed message of a type this version lacks
};

constexpr uint32_t kBusMagic = 0x55424353;  // the bytes "SCBU" read little-endian
constexpr uint16_t kBusVersion = 1;
constexpr size_t kPrefixLen = 12;       // magic, length, version, type, reserved
constexpr size_t kFixedHeaderLen = 88;  // prefix + the fixed part of the full header
constexpr size_t kMaxIpLen = 46;        // INET6_ADDRSTRLEN - 1
constexpr size_t kMaxHostnameLen = 255;
// Large enough for a PUBLISH of two proto-max-bulk-len (512 MB) strings; frames above it are
// rejected by frame_length() before anything is buffered. The bus checks encoded_size() before
// propagating an oversized PUBLISH (it is then not propagated).
constexpr size_t kMaxMessageLen = (size_t{1} << 30) + (size_t{1} << 20);

// MessageHeader::mflags (Redis' CLUSTERMSG_FLAG0_*).
enum MsgFlag : uint8_t {
    kMsgPaused = 1u << 0,    // the sender is a master paused for a manual failover
    kMsgForceAck = 1u << 1,  // FAILOVER_AUTH_REQUEST: vote even though the master is not FAIL
};

struct GossipEntry {
    std::string id;  // 40 hex characters
    uint32_t ping_sent_s = 0;
    uint32_t pong_received_s = 0;
    std::string ip;  // "" when unknown; at most kMaxIpLen of [0-9A-Fa-f.:]
    uint16_t port = 0;
    uint16_t cport = 0;
    uint16_t flags = 0;  // NodeFlag bits as the sender sees that node

    bool operator==(const GossipEntry&) const = default;
};

// The full header. Light PUBLISH frames decode with only `type` set (the rest default).
struct MessageHeader {
    MsgType type = MsgType::Ping;
    std::string sender;  // 40 hex characters
    uint64_t current_epoch = 0;
    uint64_t config_epoch = 0;  // the sender's, or its master's if the sender is a replica
    uint64_t repl_offset = 0;
    std::bitset<kSlots> slots;  // claimed by the sender, or by its master if a replica
    std::string master_id;      // "" for masters, else 40 hex characters
    std::string ip;             // the sender's announced ip, "" = use the socket's peer address
    uint16_t port = 0;          // client port
    uint16_t cport = 0;         // bus port
    uint16_t flags = 0;         // NodeFlag bits of the sender
    bool cluster_state_fail = false;
    uint8_t mflags = 0;    // MsgFlag bits
    std::string hostname;  // cluster-announce-hostname, "" when none; [A-Za-z0-9.-]

    bool operator==(const MessageHeader&) const = default;
};

struct Message {
    MessageHeader h;
    std::vector<GossipEntry> gossip;  // PING, PONG, MEET: at most 65535 entries
    std::string fail_node;            // FAIL: the node now flagged FAIL
    uint64_t update_config_epoch = 0; // UPDATE: the config epoch of update_node
    std::string update_node;          // UPDATE: the node that owns update_slots
    std::bitset<kSlots> update_slots;
    std::string channel;  // PUBLISH, PUBLISHSHARD and their light variants
    std::string payload;

    bool operator==(const Message&) const = default;
};

// How many bytes the frame starting at buf needs in total: 0 if fewer than kPrefixLen bytes
// have arrived; Err::Invalid if the prefix is bad (magic, version, a length below the minimum
// for its type or above kMaxMessageLen), after which the link must be closed. Reads at most
// kPrefixLen bytes.
Result<size_t> frame_length(const char* buf, size_t len);

// Decodes one complete frame; len must equal frame_length(buf, len). Every field, count and
// length is validated; Err::Invalid otherwise (close the link). A frame of an unknown type
// (version known) decodes to a Message with h.type == MsgType::Unknown and nothing else set:
// the caller skips it. The result owns its strings (nothing borrows from buf).
Result<Message> decode(const char* buf, size_t len);

// Appends the frame for m (only the fields m.h.type uses) to *out. Preconditions (our own data,
// not a peer's): IDs are 40 hex characters, ip/hostname within their limits and charsets,
// gossip.size() <= 65535, type is a known type, encoded_size(m) <= kMaxMessageLen.
void encode(const Message& m, std::string* out);

// The exact number of bytes encode(m) appends.
size_t encoded_size(const Message& m);

// The frame of a light PUBLISH (shard false) or PUBLISHSHARD (shard true), built straight from
// the command's arguments: what encode() writes for a Message of that type with that channel
// and payload, without building the Message (its two slot bitmaps cost 4 KiB per publish).
// Precondition: light_publish_size(channel, payload) <= kMaxMessageLen.
void encode_light_publish(bool shard, std::string_view channel, std::string_view payload,
                          std::string* out);
size_t light_publish_size(std::string_view channel, std::string_view payload);

// True if s is 40 characters of [0-9a-f] (node IDs are lowercase hex).
bool is_valid_node_id(const std::string& s);

}  // namespace slotcache::cluster
