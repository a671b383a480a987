// Server: owns the libuv loop and every subsystem (config, keyspace, command table, clients,
// listeners, timers) and runs the path of one command (DESIGN.md §3): read -> parse ->
// dispatch (lookup, arity, auth, maxmemory) -> execute -> reply buffered -> flushed once per
// loop iteration before the loop sleeps.
//
// The loop phases we rely on: read callbacks run in libuv's poll phase; the prepare handle runs
// right before the next poll, so every client that got output during an iteration is written
// once there (one writev per client), as Redis' beforeSleep does. The cron is a uv timer at
// `hz`: active expiry (a time budget of 25% of the period), incremental rehash, client
// timeouts, the ops/sec sampler, the memory peak and CLIENT PAUSE deadlines.
//
// Rejected: flushing after each command (one syscall per command kills pipelining), and a
// global server object every file writes (STYLE.md): commands reach state through the
// CommandContext's Server& and its accessors.
//
// Loop thread only; signals arrive as uv_signal callbacks on the loop.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cluster/cluster.h"
#include "cluster/migrate_link.h"
#include "cluster/routing.h"
#include "config/config.h"
#include "keyspace/keyspace.h"
#include "net/listener.h"
#include "persistence/snapshot.h"
#include "replication/master.h"
#include "replication/replica.h"
#include "server/blocking.h"
#include "server/client.h"
#include "server/command.h"
#include "server/pubsub.h"
#include "server/slowlog.h"
#include "server/stats.h"
#include "server/watch.h"

namespace slotcache::server {

constexpr const char* kVersion = "0.1.0";
// What INFO's redis_version reports: the Redis release whose behaviour we follow, so that
// clients that gate features on the version (redis-py, ioredis, redis-cli) take the 7.0 paths.
constexpr const char* kRedisCompatVersion = "7.0.15";

// Reading from a client stops while this much output is queued for it (back-pressure); it
// resumes once the output drained. Large enough that a pipeline of small replies never stops.
constexpr size_t kOutputPauseBytes = 1024 * 1024;

enum class PauseKind : uint8_t { None, Write, All };

// SHUTDOWN's options (SIGTERM and SIGINT shut down with none set).
struct ShutdownFlags {
    bool save = false;    // SAVE: write the final snapshot even without save points
    bool nosave = false;  // NOSAVE: no final snapshot even with save points
    bool force = false;   // FORCE: exit even when the final snapshot failed
};

class Server final : public net::AcceptHandler,
                     public keyspace::KeyspaceObserver,
                     public replication::ReplicaHost,
                     public cluster::ClusterHost {
public:
    explicit Server(config::Config& cfg);
    ~Server() override;
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds, creates listeners and timers. Returns false after logging the reason.
    bool start();
    // Runs the loop until shutdown. Returns the process exit code.
    int run();
    // SHUTDOWN, SIGTERM, SIGINT (Redis' prepareForShutdown + finishShutdown): kills a BGSAVE
    // child, writes the final snapshot when save points are set (unless NOSAVE) or SAVE is
    // given, then closes every client and handle so the loop ends after this iteration.
    // Returns false, and the server keeps running, when that snapshot failed without FORCE.
    bool shutdown(const ShutdownFlags& flags);

    // ---- accessors for commands --------------------------------------------------------
    config::Config& config() { return cfg_; }
    const config::Values& cfg() const { return cfg_.values(); }
    keyspace::Keyspace& keyspace() { return keyspace_; }
    const CommandTable& commands() const { return commands_; }
    Stats& stats() { return stats_; }
    Slowlog& slowlog() { return slowlog_; }
    uv_loop_t* loop() { return loop_; }
    const std::string& run_id() const { return run_id_; }
    int64_t start_time_ms() const { return start_ms_; }
    const std::unordered_map<uint64_t, Client*>& clients() const { return clients_; }
    Client* find_client(uint64_t id);
    size_t blocked_clients() const { return waiters_.size() + blocking_.blocked_count(); }
    // Blocked clients with a timeout (Redis' clients_timeout_table): WAIT and blocking pops.
    size_t clients_in_timeout_table() const;
    // SAVE / BGSAVE / LASTSAVE and the save points (persistence/snapshot.h).
    persistence::Snapshotter& snapshotter() { return *snapshotter_; }
    // nullptr unless cluster-enabled is yes.
    cluster::Cluster* cluster() { return cluster_.get(); }

    // ---- pub/sub (pubsub.h) -----------------------------------------------------------------
    PubSub& pubsub() { return pubsub_; }
    // Output was appended to c outside its own command (a published message, a sunsubscribe):
    // queue c for writing and apply its client-output-buffer-limit (class pubsub).
    void note_push_output(Client& c);
    // Keyspace notifications (notify-keyspace-events); type is a config::kNotify* class bit.
    // Fired for expired and evicted keys here; commands call it for their own events.
    void notify_keyspace_event(int type, std::string_view event, std::string_view key, int db);

    void stat_keyspace_hit(bool hit) { hit ? stats_.keyspace_hits++ : stats_.keyspace_misses++; }

    // CLIENT PAUSE / UNPAUSE.
    void pause_clients(PauseKind kind, int64_t until_ms);
    void unpause_clients();
    PauseKind pause_kind() const { return pause_kind_; }

    // ---- MIGRATE (key_holds.cpp) -----------------------------------------------------------
    // The cached connections to MIGRATE targets.
    cluster::MigrateLinks& migrate_links() { return *migrate_links_; }
    // Keys a MIGRATE is moving: until released, a command naming one of them (in any db), or a
    // keyless write, waits with its input unconsumed and runs again once they are released.
    // Holds count: a key held twice needs two releases.
    void hold_keys(const std::vector<std::string>& keys);
    void release_keys(const std::vector<std::string>& keys);
    // A command whose reply comes later (MIGRATE): c's input stops after this command until
    // unblock_client, which the caller invokes after writing the reply.
    void block_client(Client& c) { c.set_flag(kClientBlocked); }
    void unblock_client(Client& c);

    // ---- clients blocked on keys (blocking.cpp, blocking.h) --------------------------------
    // Blocks ctx.client until one of keys (in ctx.db) can be served by serve, or deadline_ms
    // (absolute unix ms, 0 = never) passes and on_timeout is replied. The handler writes no
    // reply when it blocks. Copies the arguments.
    void block_on_keys(CommandContext& ctx, const std::vector<std::string_view>& keys,
                       int64_t deadline_ms, ServeFn serve, TimeoutReply on_timeout);
    // Marks (db, key) ready for its waiters; nothing when nobody waits on it.
    void signal_key_ready(int db, std::string_view key) {
        if (!blocking_.empty()) blocking_.signal(db, key);
    }
    // SWAPDB: every key of db somebody waits for is ready (the serving checks it holds data).
    void signal_db_ready(int db) {
        if (!blocking_.empty()) blocking_.signal_db(db);
    }
    // CLIENT UNBLOCK: false when the client is not blocked on keys. error: reply -UNBLOCKED
    // instead of the timeout reply.
    bool unblock_on_request(uint64_t client_id, bool error);
    // True while EXEC runs its queue: blocking commands must answer at once.
    bool in_transaction() const { return in_exec_; }

    // ---- MULTI / EXEC (dispatch.cpp) --------------------------------------------------------
    // EXEC: runs c's queued commands, replying an array of their replies, EXECABORT when
    // one was refused while queueing, or a null array when a watched key was touched (or
    // expired). Leaves c out of MULTI and unwatches its keys.
    void run_transaction(Client& c, resp::Reply& reply);
    // DISCARD, and an EXEC that aborts: leaves MULTI, unwatches every key, clears the dirty mark.
    void discard_transaction(Client& c);

    // ---- WATCH (watch.h) ---------------------------------------------------------------------
    // WATCH key in c's db; UNWATCH.
    void watch_key(Client& c, std::string_view key);
    void unwatch_all(Client& c);
    // Redis' signalModifiedKey: key in db was changed by something other than a write command
    // the dispatcher signals itself (MOVE's target db, COPY's, MIGRATE's deletions).
    void signal_modified_key(int db, std::string_view key);
    // FLUSHDB/FLUSHALL (before emptying db) and SWAPDB (before exchanging a and b).
    void signal_flushed_db(int db);
    void signal_swapdb(int a, int b);
    const WatchTable& watches() const { return watches_; }

    // DEBUG SET-ACTIVE-EXPIRE.
    void set_active_expire(bool on) { active_expire_ = on; }

    // Applies maxmemory/policy/samples/LFU and lazyfree-lazy-* settings to the keyspace
    // (start-up and CONFIG SET).
    void apply_eviction_config();

    // ---- the data path (dispatch.cpp) ----------------------------------------------------
    // Parses and executes what the client has buffered, as far as it may go now.
    void process_input(Client& c);
    void add_pending_write(Client& c);

    // ---- client lifecycle (client.cpp calls these) ---------------------------------------
    void on_accept(net::Connection* conn) override;
    void on_client_closed(Client* c);
    void on_client_drained(Client& c);

    // ---- keyspace observer ---------------------------------------------------------------
    void on_expired(int db, std::string_view key) override;
    void on_evicted(int db, std::string_view key) override;

    // ---- replication (replication.cpp) ---------------------------------------------------
    replication::Master& repl() { return repl_; }
    replication::Replica& replica() { return replica_; }
    bool is_replica() const { return replica_.is_replica(); }
    Client* master_client() { return master_client_; }
    // SYNC / PSYNC from client c: +FULLRESYNC and the snapshot, or +CONTINUE and the backlog.
    // psync false: the old SYNC (no status line).
    void replica_sync(Client& c, std::string_view replid, long long psync_offset, bool psync);
    // REPLCONF ACK from a replica.
    void replica_ack(Client& c, long long offset);
    // REPLICAOF host port (host empty: NO ONE). Returns the reply text ("+OK...") or "-ERR...".
    std::string set_replicaof(const std::string& host, int port, const std::string& who);
    // Follows `host:port` for cluster mode's CLUSTER REPLICATE (no cluster-mode refusal).
    void follow_master(const std::string& host, int port);
    // WAIT: blocks c until numreplicas acknowledged the current offset or timeout_ms passes
    // (0: forever); replies at once when already satisfied.
    void wait_for_replicas(Client& c, long long numreplicas, long long timeout_ms);
    // INFO replication's lines.
    std::string replication_info() const;
    // Where this node's master link is (ROLE, INFO).
    long long replica_offset() const;

    // ReplicaHost
    void psync_offer(std::string* replid, long long* offset) override;
    bool load_snapshot(std::string_view rdb, std::string_view replid, long long offset,
                       std::string* err) override;
    void continue_history(std::string_view new_replid) override;
    void attach_master(net::Connection* conn) override;

    // ClusterHost (replication.cpp)
    void cluster_became_master() override;
    void cluster_follow(const cluster::Node& master) override;
    int64_t cluster_repl_offset() const override;
    int64_t cluster_master_silence_ms(int64_t now_ms) const override;
    void cluster_pause_writes(int64_t until_ms) override;
    void cluster_publish_received(std::string_view channel, std::string_view message,
                                  bool shard) override;

private:
    void execute(Client& c, const std::vector<std::string_view>& args);
    bool reject_before_call(Client& c, const CommandDef& cmd,
                            const std::vector<std::string_view>& args, resp::Reply& reply);
    void call(Client& c, const CommandDef& cmd, const std::vector<std::string_view>& args,
              resp::Reply& reply);
    bool must_wait_for_pause(const CommandDef& cmd) const;
    bool reject_by_replication(Client& c, const CommandDef& cmd, resp::Reply& reply);
    bool reject_by_disk_error(const CommandDef& cmd, resp::Reply& reply);
    void propagate(Client& c, const CommandDef& cmd, CommandContext& ctx);
    void replication_cron(int64_t now_ms);
    void replication_before_sleep();
    void disconnect_replicas();
    // REPLICAOF NO ONE and a won failover: stop replicating, shift the history.
    void stop_replicating();
    void check_waiters(int64_t now_ms);
    // blocking.cpp: serve the ready keys; timeouts and cluster slot checks (cron, before
    // sleep); the -UNBLOCKED sweep when this node becomes a replica; the written-keys hook.
    void serve_ready_keys();
    void serve_key(int db, const std::string& key);
    void check_blocked_clients(int64_t now_ms);
    void unblock_all_blocked(std::string_view error, bool close_after);
    void finish_unblock(Client& c);
    void process_unblocked_clients();
    void note_written_keys(const CommandDef& cmd, const std::vector<std::string_view>& args,
                           int db);
    void note_written_keys(const std::vector<std::string>& argv, int db);
    replication::ReplicaSettings replica_settings() const;
    void start_replication_from_config();
    // Full sync (replication.cpp): starts the snapshot child for the replicas waiting for one
    // when none runs and (diskless) the delay passed; reacts to the child's end and the pipe.
    void start_full_sync_if_due(int64_t now_ms);
    void fail_waiting_replicas(const std::vector<replication::ReplicaLink*>& links);
    void on_snapshot_child_done(persistence::ChildKind kind, bool ok);
    void finish_full_sync_if_done();
    void close_sync_pipe();
    static void on_sync_pipe_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
    static void on_sync_pipe_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
    bool load_snapshot_at_startup();
    bool check_query_limits(Client& c);
    bool must_wait_for_held_keys(Client& c, const CommandDef& cmd,
                                 const std::vector<std::string_view>& args);
    void wait_for_held_keys(Client& c);
    bool reject_by_cluster(Client& c, const CommandDef& cmd,
                           const std::vector<std::string_view>& args, resp::Reply& reply);
    bool reject_exec_by_cluster(Client& c, bool asking, resp::Reply& reply);
    cluster::RouteResult route(Client& c, const std::vector<std::string_view>& args,
                               const std::vector<int>& key_indexes, bool is_write,
                               const CommandDef* cmd, bool asking);
    // A refused command: counted, and a MULTI in progress is marked to abort at EXEC.
    void reject(Client& c, const CommandDef& cmd);
    static void flag_transaction(Client& c) {
        if (c.multi) c.multi->dirty = true;
    }
    bool is_transaction_control(const CommandDef& cmd) const;
    // After a write that changed the dataset: signals its key arguments to the watchers.
    void signal_written_keys(const CommandDef& cmd, const std::vector<std::string_view>& args,
                             const CommandContext& ctx);
    // RESP2 clients in pub/sub mode may run only these (Redis 7.0's processCommand).
    bool allowed_when_subscribed(const CommandDef& cmd) const;
    size_t output_pause_threshold() const;
    void flush_pending_writes();
    void cron();
    void close_idle_clients(int64_t now_ms);
    void enforce_output_limits(Client& c, int64_t now_ms);
    // client-output-buffer-limit's class of c (config::ObufClass as an index).
    static size_t obuf_class(const Client& c);
    void finish_shutdown();
    void register_config_hooks();
    bool write_pidfile();

    static void on_prepare(uv_prepare_t* h);
    static void on_cron(uv_timer_t* t);
    static void on_signal(uv_signal_t* s, int signum);

    config::Config& cfg_;
    uv_loop_t* loop_;
    keyspace::Keyspace keyspace_;
    WatchTable watches_;  // WATCH: per-db key -> watching clients
    CommandTable commands_;
    net::Listeners listeners_;
    Stats stats_;
    Slowlog slowlog_;
    PubSub pubsub_{*this};

    std::unique_ptr<cluster::Cluster> cluster_;
    int64_t last_cluster_cron_ms_ = 0;
    const CommandDef* asking_cmd_ = nullptr;
    const CommandDef* ping_cmd_ = nullptr;  // refused with MISCONF like a write
    const CommandDef* migrate_cmd_ = nullptr;  // works in an open slot whoever owns it
    const CommandDef* wait_cmd_ = nullptr;
    // Not queued inside MULTI.
    const CommandDef* multi_cmd_ = nullptr;
    const CommandDef* exec_cmd_ = nullptr;
    const CommandDef* discard_cmd_ = nullptr;
    const CommandDef* quit_cmd_ = nullptr;
    const CommandDef* reset_cmd_ = nullptr;
    const CommandDef* watch_cmd_ = nullptr;
    // EXEC in progress: its first propagated write opens a MULTI for the replicas.
    bool in_exec_ = false;
    bool exec_multi_propagated_ = false;
    int exec_db_ = 0;

    // MIGRATE: the links to targets, the keys in flight and the clients waiting for them.
    struct KeyHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unique_ptr<cluster::MigrateLinks> migrate_links_;
    std::unordered_map<std::string, uint32_t, KeyHash, std::equal_to<>> held_keys_;
    std::vector<Client*> key_waiters_;

    std::unordered_map<uint64_t, Client*> clients_;
    std::vector<Client*> pending_write_;
    std::vector<Client*> paused_;
    uint64_t next_client_id_ = 1;

    uv_prepare_t prepare_;
    uv_timer_t cron_timer_;
    uv_signal_t sigterm_;
    uv_signal_t sigint_;

    std::string run_id_;
    int64_t start_ms_ = 0;
    bool active_expire_ = true;
    bool shutting_down_ = false;
    int exit_code_ = 0;
    PauseKind pause_kind_ = PauseKind::None;
    int64_t pause_until_ms_ = 0;
    uint64_t cron_loops_ = 0;
    std::vector<int> key_idx_;  // scratch for key extraction, reused across commands

    // Replication. The master client is one of clients_; its pointer is cleared in
    // on_client_closed before it is deleted.
    std::unique_ptr<persistence::Snapshotter> snapshotter_;
    replication::Master repl_;
    replication::Replica replica_;
    Client* master_client_ = nullptr;
    int cached_master_db_ = 0;       // the master client's db when its link broke
    bool offer_own_history_ = false;  // PSYNC with our replid/offset (else "PSYNC ? -1")
    bool getack_pending_ = false;     // send REPLCONF GETACK * before sleeping (WAIT)
    int64_t last_replica_ping_ms_ = 0;
    int64_t last_ack_sent_ms_ = 0;
    resp::OutBuffer discard_;  // replies to the master client go here and are dropped
    struct Waiter {
        uint64_t client_id;
        long long offset;
        long long numreplicas;
        int64_t deadline_ms;  // 0: none
    };
    std::vector<Waiter> waiters_;
    // Clients blocked on keys; those unblocked since the last loop iteration, whose pipelined
    // input is processed before sleeping (not from inside another client's command).
    BlockingKeys blocking_;
    std::vector<uint64_t> unblocked_;
    // The full sync in progress: its child's kind (None: no sync child), the offset at the
    // fork, the replicas it serves (by client id: they may disconnect meanwhile) and, for a
    // diskless one, the pipe from the child and the EOF mark. Done when the child was reaped
    // and (diskless) the pipe reached EOF.
    struct FullSync {
        persistence::ChildKind kind = persistence::ChildKind::None;
        long long offset = 0;
        std::vector<uint64_t> targets;
        std::string eof_mark;
        uv_pipe_t* pipe = nullptr;  // owned; deleted by its close callback
        bool pipe_done = false;
        bool child_done = false;
        bool child_ok = false;
    };
    FullSync sync_;
    std::string sync_read_buf_;
};

}  // namespace slotcache::server
