// Cluster: the cluster mode of a node, as the server sees it. Owns the ClusterState, the bus
// (listener and links on cluster-port, default port + 10000), the gossip and failure-detection
// timers, and nodes.conf. The server calls route() for every command in cluster mode, cron()
// from its own cron, and before_sleep() once per loop iteration; the CLUSTER command family
// (src/commands/cluster.cpp) calls the operations below.
//
// nodes.conf is written atomically (temp file, fsync, rename) in before_sleep() when marked
// dirty, and synchronously by save_now() where a reply or a vote depends on it (DESIGN §5).
//
// Loop thread only.
#pragma once

#include <uv.h>

#include <bitset>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/bus_codec.h"
#include "cluster/node.h"
#include "cluster/state.h"
#include "config/config.h"

namespace slotcache::keyspace {
class Keyspace;
}

namespace slotcache::cluster {

class Bus;
class BusLink;

// What cluster mode needs from the server around failover: the replication link and the
// pausing of clients belong to the server (Redis calls replicationSetMaster and pauseClients
// from cluster.c; here the server implements this interface).
class ClusterHost {
public:
    virtual ~ClusterHost() = default;
    // Myself won an election (or TAKEOVER): stop replicating and start a new history that
    // the other replicas can PSYNC into (Redis' replicationUnsetMaster).
    virtual void cluster_became_master() = 0;
    // Myself is now a replica of `master`: replicate from it.
    virtual void cluster_follow(const Node& master) = 0;
    // The replication offset this node has applied (a replica) or produced (a master), live.
    virtual int64_t cluster_repl_offset() const = 0;
    // How long ago myself (a replica) last heard from its master: the data age of elections.
    virtual int64_t cluster_master_silence_ms(int64_t now_ms) const = 0;
    // Manual failover on the master: pause writes until `until_ms`; 0 lifts the pause.
    virtual void cluster_pause_writes(int64_t until_ms) = 0;
    // A PUBLISH (shard false) or SPUBLISH (shard true) that another node received arrived on
    // the bus: deliver it to this node's subscribers. The views live during the call only.
    virtual void cluster_publish_received(std::string_view channel, std::string_view message,
                                          bool shard) = 0;
};

// The election and manual-failover state of myself (Redis' failover_auth_* and mf_* fields).
struct FailoverState {
    // Replica side: the election.
    int64_t auth_time_ms = 0;   // when the election starts (or started); 0: none planned
    int auth_count = 0;         // votes received in this election
    bool auth_sent = false;     // FAILOVER_AUTH_REQUEST sent
    int auth_rank = 0;
    uint64_t auth_epoch = 0;    // the epoch we asked votes for
    // Manual failover (both sides): running until mf_end_ms (0: none).
    int64_t mf_end_ms = 0;
    std::string mf_replica_id;      // master side: the replica that asked (MFSTART); an ID,
                                    // not a Node*, since FORGET may delete the node meanwhile
    int64_t mf_master_offset = -1;  // replica side: the paused master's offset, -1 unknown
    bool mf_can_start = false;      // replica side: caught up (or FORCE): elect now
    // Why no election runs (CLUSTER INFO-style logging, logged once per reason).
    int cant_failover_reason = 0;
    int64_t last_cant_log_ms = 0;
};

// Per message type counters for CLUSTER INFO (cluster_stats_messages_*).
struct BusStats {
    uint64_t sent[16] = {};
    uint64_t received[16] = {};
    uint64_t bytes_sent = 0;
    uint64_t bytes_received = 0;
};

// before_sleep() work requested during an iteration (clusterDoBeforeSleep flags).
enum TodoFlag : uint32_t {
    kTodoSaveConfig = 1u << 0,
    kTodoFsyncConfig = 1u << 1,
    kTodoUpdateState = 1u << 2,
    kTodoHandleFailover = 1u << 3,
    kTodoHandleManualFailover = 1u << 4,
};

class Cluster {
public:
    Cluster(uv_loop_t* loop, config::Config& cfg, keyspace::Keyspace& ks);
    // The server, set once before start().
    void set_host(ClusterHost* host) { host_ = host; }
    ~Cluster();
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    // Loads cluster-config-file (or creates a new identity and writes it), opens the bus
    // listener. False with *err set when the file is corrupt, locked by another process, or
    // the bus port cannot be bound: the server exits 1.
    bool start(std::string* err);
    void stop();

    ClusterState& state() { return state_; }
    const ClusterState& state() const { return state_; }
    Node* myself() const { return state_.myself(); }
    const config::Values& cfg() const { return cfg_.values(); }
    StateConfig state_config() const;

    // Every 100 ms (Redis' clusterCron): handshake timeouts, reconnecting links, pinging,
    // PFAIL marking, state update.
    void cron(int64_t now_ms);
    // Once per loop iteration: save nodes.conf, update the state, as flagged.
    void before_sleep();
    void todo(uint32_t flags) { todo_ |= flags; }

    // Writes nodes.conf now (atomic; fsynced when durable, or when an fsync is pending). False
    // on I/O error (logged).
    bool save_now(bool durable = true);

    // ---- operations of the CLUSTER commands ----------------------------------------------
    // CLUSTER MEET: starts a handshake with ip:port (bus port cport, 0 = port + 10000). False
    // with *err ("ERR Invalid node address specified: ip:port") for a bad address.
    bool meet(std::string_view ip, int port, int cport, std::string* err);
    // CLUSTER FORGET: removes the node and bans it for 60 s.
    void forget(Node* n);
    // CLUSTER RESET SOFT|HARD (errors are the caller's: a master with keys cannot reset).
    void reset(bool hard);
    // The keys of myself in a slot (COUNTKEYSINSLOT / GETKEYSINSLOT / "slot has keys" checks).
    size_t count_keys_in_slot(int slot) const;
    // Slots assigned/removed by ADDSLOTS/DELSLOTS/SETSLOT: keeps state and nodes.conf right.
    void after_slot_change();
    // CLUSTER REPLICATE (clusterSetMaster): myself becomes a replica of master n; a master's
    // migrating/importing marks are dropped. Saves nodes.conf and tells every node at once. The
    // caller starts the replication link and has checked the preconditions.
    void set_my_master(Node* n);
    // Broadcasts a PONG to every node now (after a config change others must learn quickly).
    void broadcast_pong();
    // CLUSTER FAILOVER [FORCE|TAKEOVER] on a replica (failover.cpp). Returns "" or the error
    // reply; the failover itself proceeds in the background, as in Redis.
    std::string manual_failover(bool force, bool takeover);
    const FailoverState& failover_state() const { return fo_; }

    // ---- pub/sub (gossip.cpp) ---------------------------------------------------------------
    // PUBLISH in cluster mode: sent to every other known node (shard false); SPUBLISH: to the
    // other nodes of myself's shard (its master and that master's replicas). Light frames (no
    // header) on links to identified peers. A message too large for a frame is not sent.
    void propagate_publish(std::string_view channel, std::string_view message, bool shard);

    // ---- addresses as clients see them -----------------------------------------------------
    // The endpoint a client should use for node n: cluster-announce-ip / hostname per
    // cluster-preferred-endpoint-type; "?" when unknown (Redis prints "?" for hostname type
    // with no hostname).
    std::string endpoint(const Node* n) const;
    // "ip:port" for MOVED/ASK.
    std::string redirect_address(const Node* n) const;

    // ---- the bus's callbacks (gossip.cpp) -------------------------------------------------
    void on_link_connected(BusLink* link);
    void on_message(BusLink* link, const Message& m);

    const BusStats& bus_stats() const { return stats_; }
    BusStats& mutable_bus_stats() { return stats_; }
    Bus& bus() { return *bus_; }
    keyspace::Keyspace& keyspace() { return ks_; }
    uv_loop_t* loop() { return loop_; }
    int64_t now_ms() const;

private:
    // gossip.cpp
    Message build_header(MsgType type) const;
    void send_ping(BusLink* link, MsgType type);
    void send_fail(const Node* failing);
    void send_update(BusLink* link, const Node* owner);
    void broadcast(const Message& m);
    void count_sent(MsgType type);
    void process_gossip(Node* sender, const Message& m);
    void process_ping_pong(BusLink* link, Node* sender, const Message& m);
    void process_fail(Node* sender, const Message& m);
    void process_update(Node* sender, const Message& m);
    void process_publish(BusLink* link, Node* sender, const Message& m);
    bool handle_handshake_reply(BusLink* link, Node* sender, const Message& m);
    void update_roles_and_slots(BusLink* link, Node* sender, const Message& m);
    void start_handshake(const std::string& ip, int port, int cport);
    void learn_my_ip(BusLink* link);
    void ping_random_node(int64_t now);
    void check_node_timeouts(int64_t now);
    void drop_slot_keys(const std::vector<int>& slots);
    // A slot update: drop the keys of slots that left, or become a replica of the sender when
    // myself's master lost every slot to it (clusterUpdateSlotsConfigWith's last part).
    void apply_slot_update(Node* sender, const SlotUpdate& u);
    // failover.cpp
    void handle_replica_failover(int64_t now);
    void arm_election_timer(int64_t delay_ms);
    void handle_manual_failover(int64_t now);
    void check_manual_failover_timeout(int64_t now);
    void reset_manual_failover();
    void failover_replace_my_master();
    void send_failover_auth_request();
    void process_auth_request(BusLink* link, Node* sender, const Message& m);
    void process_auth_ack(Node* sender, const Message& m);
    void process_mfstart(BusLink* link, Node* sender);
    void handle_replica_migration(int64_t now);
    void follow(Node* master);
    void log_cant_failover(int reason, int64_t now);
    std::string node_ip_from(BusLink* link, const Message& m) const;

    uv_loop_t* loop_;
    config::Config& cfg_;
    keyspace::Keyspace& ks_;
    ClusterHost* host_ = nullptr;
    ClusterState state_;
    FailoverState fo_;
    std::unique_ptr<Bus> bus_;
    BusStats stats_;
    uint32_t todo_ = 0;
    std::string config_path_;
    int lock_fd_ = -1;
    uint64_t cron_iteration_ = 0;
    std::string publish_frame_;  // propagate_publish's scratch, reused
    bool started_ = false;
    // Fires when a planned election is due: the cron's 100 ms tick would add up to 100 ms to
    // every failover.
    uv_timer_t election_timer_{};
};

}  // namespace slotcache::cluster
