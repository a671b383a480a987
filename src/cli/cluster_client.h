// A cluster-aware blocking client: the slot map from CLUSTER SLOTS, one Connection per node,
// MOVED and ASK followed, a connection error answered by reconnecting and re-reading the map.
// Used by the consistency checker; written for the --cluster manager to reuse.
//
// Approach: redis-rb-cluster's and hiredis-cluster's model. The map (SlotMap, pure) says which
// node serves each slot; a command goes to its key's node; `MOVED slot addr` fixes that slot at
// once and schedules a full CLUSTER SLOTS refresh (after a failover or a resharding, many slots
// moved together); `ASK slot addr` sends ASKING + the command to addr once, without touching the
// map; a connection error or timeout drops that node's connection and schedules a refresh.
// Refreshes are throttled (refresh_interval_ms) so that a dead node does not turn every failed
// command into a CLUSTER SLOTS round; the nodes whose last connection failed are asked last.
// A server without cluster support (CLUSTER SLOTS -> "cluster support disabled") is a map with
// every slot on the seed, so the same client also drives a standalone server.
//
// Rejected: one connection per command (a dead node would then cost a connect per op whatever
// happened before, and a live one a handshake per op); retrying a command after an I/O error
// (whether it ran is unknown, and the consistency checker must see exactly that uncertainty).
//
// Invariants: node indices are stable for the client's life (nodes are never removed from the
// SlotMap, only slots reassigned), so a connection is looked up by index. Every redirection
// chain is bounded by max_redirects. Not thread-safe; one owner, blocking I/O.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/connection.h"
#include "cli/reply.h"

namespace slotcache::cli {

struct NodeAddress {
    std::string host;
    int port = 0;

    std::string str() const { return host + ":" + std::to_string(port); }
    bool operator==(const NodeAddress& o) const { return port == o.port && host == o.host; }
};

// "host:port" (the last ':' separates the port, so "::1:7000" is host "::1"). False on a
// missing or out-of-range port.
bool parse_node_address(std::string_view s, NodeAddress* out);

struct SlotRange {
    int first = 0;
    int last = 0;
    NodeAddress master;
    std::vector<NodeAddress> replicas;
};

// A CLUSTER SLOTS reply (RESP2 or RESP3; Redis 7's shape: [first, last, [ip, port, id, ...],
// replicas...]) as ranges. False with *err set on any other shape. An empty ip (a node that
// does not know its own address yet) becomes default_host.
bool parse_cluster_slots(const Reply& r, const std::string& default_host,
                         std::vector<SlotRange>* out, std::string* err);

enum class RedirectKind : uint8_t { None, Moved, Ask };

struct Redirect {
    RedirectKind kind = RedirectKind::None;
    int slot = -1;
    NodeAddress target;
};

// The text of an error reply, "MOVED 3999 127.0.0.1:6381" or "ASK 3999 127.0.0.1:6381";
// kind None for any other error or a malformed redirect.
Redirect parse_redirect(std::string_view error);

// Which node serves each of the 16384 slots. Pure.
class SlotMap {
public:
    SlotMap();
    // Every slot not in `ranges` becomes unassigned (-1).
    void assign(const std::vector<SlotRange>& ranges);
    void assign_all(const NodeAddress& node);
    void set_owner(int slot, const NodeAddress& node);
    // Node index, or -1 when the slot is unassigned.
    int owner(int slot) const { return owner_[static_cast<size_t>(slot)]; }
    // The index of node, added if new (indices are never reused).
    int intern(const NodeAddress& node);
    // -1 if unknown.
    int find(const NodeAddress& node) const;
    const NodeAddress& node(int index) const { return nodes_[static_cast<size_t>(index)]; }
    size_t node_count() const { return nodes_.size(); }
    // The slots `node` serves, ascending.
    std::vector<int> slots_of(const NodeAddress& node) const;

private:
    std::vector<NodeAddress> nodes_;
    std::array<int, 16384> owner_;
};

struct ClusterClientOptions {
    std::vector<NodeAddress> seeds;  // asked for the map when no known node answers
    std::string user;                // AUTH [user] pass on every new connection
    std::string pass;
    bool has_pass = false;
    int timeout_ms = 100;          // connect, send and recv bound per node (0: none)
    int max_redirects = 5;         // MOVED/ASK hops per command
    int refresh_interval_ms = 25;  // least time between two scheduled CLUSTER SLOTS
};

// What became of one command.
struct CallOutcome {
    bool replied = false;  // *reply holds the server's reply (maybe an error other than a redirect)
    // No reply, but the command was written: it may have run (a timeout, a reset after send).
    bool maybe_applied = false;
    std::string error;  // when !replied: "<host:port>: <why>"
    int node = -1;      // the node that answered (or failed) last
    int redirects = 0;
};

class ClusterClient {
public:
    explicit ClusterClient(ClusterClientOptions options);
    ~ClusterClient();
    ClusterClient(const ClusterClient&) = delete;
    ClusterClient& operator=(const ClusterClient&) = delete;

    // CLUSTER SLOTS from the first node that answers: the map's nodes (those whose last
    // connection failed last), then the seeds. False with *err when none answered.
    bool refresh(std::string* err);
    // Sends argv, a command on `key` (which picks the slot), to the slot's node and follows
    // redirections. Runs a scheduled refresh first when its interval has passed; a refresh
    // failure does not fail the command (the old map is used).
    CallOutcome call(std::string_view key, const std::vector<std::string>& argv, Reply* reply);

    const SlotMap& slot_map() const { return map_; }
    long long refreshes() const { return refreshes_; }
    // "cluster" or "standalone": what the last successful refresh found.
    bool standalone() const { return standalone_; }

private:
    struct NodeConn {
        std::unique_ptr<Connection> conn;
        bool last_failed = false;
    };
    // The connection to node i, connected and authenticated on demand; null with *err on failure.
    Connection* connection(int node, std::string* err);
    void drop(int node, bool failed);
    bool refresh_from(int node, std::string* err);
    void maybe_refresh();
    NodeConn& node_conn(int node);

    ClusterClientOptions options_;
    SlotMap map_;
    std::vector<NodeConn> conns_;  // by node index
    bool refresh_wanted_ = false;
    int64_t last_refresh_us_ = 0;
    long long refreshes_ = 0;
    bool standalone_ = false;
};

}  // namespace slotcache::cli
