// Pub/sub: who is subscribed to what, and the delivery of messages (Redis 7.0's pubsub.c).
//
// Three kinds of subscription: channels (SUBSCRIBE), patterns (PSUBSCRIBE, glob-matched with
// Redis' stringmatchlen on every PUBLISH) and shard channels (SSUBSCRIBE, cluster mode's sharded
// pub/sub, whose channel is routed like a key). The server-wide tables map a name to its
// subscribers; each Client holds the names it is subscribed to (Client::subs), so that
// UNSUBSCRIBE without arguments, RESET and a disconnect find them without a scan.
//
// Delivery pre-encodes the message once per protocol (RESP2 array, RESP3 push) into reusable
// scratch strings and appends the bytes to each subscriber's output buffer: no allocation per
// subscriber, none per PUBLISH once the scratch grew. A subscriber whose output passes its
// client-output-buffer-limit (class pubsub) is closed by Server::note_push_output.
//
// Sharded pub/sub in cluster mode: the slot owner (a node ID) is recorded when the first
// subscription of a slot is made here; when the slot's owner changes (resharding, failover),
// every subscriber of that slot's shard channels gets a `sunsubscribe` and loses them, as Redis
// 7.0's clusterDelSlot -> removeChannelsInSlot does. Checked once per loop iteration
// (drop_moved_shard_slots), costing one comparison per slot that has shard subscribers.
//
// Rejected: Redis' list of patterns scanned per client (we keep one table of patterns, each
// matched once per PUBLISH, whatever the number of its subscribers); a radix tree of shard
// channels per slot (a full scan of the shard channels when a slot leaves is rare and bounded
// by the subscriptions this node holds).
//
// Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace slotcache::cluster {
class ClusterState;
}

namespace slotcache::server {

class Server;
class Client;

enum class SubKind : uint8_t { Channel = 0, Pattern = 1, Shard = 2 };

struct StrHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using NameSet = std::unordered_set<std::string, StrHash, std::equal_to<>>;

// What one client is subscribed to (Client::subs; null when never subscribed).
struct ClientSubscriptions {
    NameSet names[3];  // indexed by SubKind
    size_t count(SubKind k) const { return names[static_cast<int>(k)].size(); }
    // The count SUBSCRIBE/PSUBSCRIBE (and their UNSUBSCRIBEs) reply: channels + patterns;
    // the shard kind counts its own (Redis' clientSubscriptionsCount / ...Shard...).
    size_t reply_count(SubKind k) const {
        return k == SubKind::Shard ? count(SubKind::Shard)
                                   : count(SubKind::Channel) + count(SubKind::Pattern);
    }
    size_t total() const { return names[0].size() + names[1].size() + names[2].size(); }
};

class PubSub {
public:
    explicit PubSub(Server& server) : server_(server) {}
    PubSub(const PubSub&) = delete;
    PubSub& operator=(const PubSub&) = delete;

    // Adds c to name's subscribers. False if c already was one (the reply is the same).
    bool subscribe(Client& c, SubKind kind, std::string_view name);
    // Removes c from name's subscribers. False if it was not one.
    bool unsubscribe(Client& c, SubKind kind, std::string_view name);
    // Removes every subscription of that kind. With notify, each one is answered like
    // UNSUBSCRIBE name (on c's output); with none at all, one reply with a nil name and 0.
    void unsubscribe_all(Client& c, SubKind kind, bool notify);
    // Disconnect or RESET: drops everything without replies.
    void remove_client(Client& c);

    // PUBLISH: to channel subscribers and matching patterns; returns the receivers counted as
    // Redis does (a client subscribed to the channel and a matching pattern counts twice).
    size_t publish(std::string_view channel, std::string_view message);
    // SPUBLISH (and the shard messages from the bus).
    size_t publish_shard(std::string_view channel, std::string_view message);

    // Keyspace notifications (Redis' notifyKeyspaceEvent): with `type` (a config::kNotify* class
    // bit) enabled in `flags` (notify-keyspace-events), publishes `event` on
    // __keyspace@<db>__:<key> (K) and `key` on __keyevent@<db>__:<event> (E). Local only, as in
    // Redis: never sent over the bus.
    void notify_keyspace_event(int flags, int type, std::string_view event, std::string_view key,
                               int db);

    // ---- introspection (PUBSUB, INFO) -----------------------------------------------------
    // Names of kind Channel or Shard with subscribers, matching the glob pattern (all when
    // pattern is empty), as views valid until the next subscription change.
    void list(SubKind kind, std::string_view pattern, std::vector<std::string_view>* out) const;
    size_t subscribers(SubKind kind, std::string_view name) const;
    size_t size(SubKind kind) const { return table(kind).size(); }

    // Cluster mode: sends `sunsubscribe` for, and drops, the shard channels of every slot whose
    // owner is no longer the one recorded at subscription time.
    void drop_moved_shard_slots(const cluster::ClusterState& state);
    bool has_shard_slots() const { return !shard_slots_.empty(); }
    // Where SSUBSCRIBE records the owner of a slot's first subscription ("" outside cluster mode).
    void set_cluster_state(const cluster::ClusterState* state) { cluster_state_ = state; }

    // Glob matching as Redis' stringmatchlen (exposed for the unit tests).
    static bool pattern_matches(std::string_view pattern, std::string_view channel);

private:
    using Table = std::unordered_map<std::string, std::vector<Client*>, StrHash, std::equal_to<>>;
    struct SlotShard {
        size_t channels = 0;   // shard channels of this slot with subscribers here
        std::string owner_id;  // the slot's owner when the first was subscribed
    };
    Table& table(SubKind k) { return tables_[static_cast<int>(k)]; }
    const Table& table(SubKind k) const { return tables_[static_cast<int>(k)]; }
    bool remove_from_table(Client& c, SubKind kind, std::string_view name);
    void reply_unsubscribed(Client& c, SubKind kind, std::string_view name, bool has_name);
    void drop_shard_slot(int slot);
    // Encodes the message for both protocols into scratch_[0] (RESP2) / scratch_[1] (RESP3).
    // pattern: null for "message" / "smessage".
    void encode(std::string_view kind, const std::string* pattern, std::string_view channel,
                std::string_view message);
    void deliver(Client& c);

    Server& server_;
    Table tables_[3];
    std::unordered_map<int, SlotShard> shard_slots_;
    const cluster::ClusterState* cluster_state_ = nullptr;
    std::string scratch_[2];
    std::string notify_channel_;  // notify_keyspace_event's scratch
};

}  // namespace slotcache::server
