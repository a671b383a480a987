#include "server/server.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/log.h"
#include "common/random.h"
#include "keyspace/hash.h"
#include "keyspace/memory.h"
#include "keyspace/zset.h"

namespace slotcache::server {

namespace {

keyspace::EvictionPolicy to_eviction_policy(config::MaxmemoryPolicy p) {
    using M = config::MaxmemoryPolicy;
    using E = keyspace::EvictionPolicy;
    switch (p) {
        case M::VolatileLru: return E::VolatileLru;
        case M::VolatileLfu: return E::VolatileLfu;
        case M::VolatileRandom: return E::VolatileRandom;
        case M::VolatileTtl: return E::VolatileTtl;
        case M::AllkeysLru: return E::AllKeysLru;
        case M::AllkeysLfu: return E::AllKeysLfu;
        case M::AllkeysRandom: return E::AllKeysRandom;
        case M::NoEviction: return E::NoEviction;
    }
    return E::NoEviction;
}

// Redis' text, word for word: tools and operators search for it.
constexpr const char* kProtectedModeDenied =
    "-DENIED Redis is running in protected mode because protected mode is enabled and no "
    "password is set for the default user. In this mode connections are only accepted from "
    "the loopback interface. If you want to connect from external computers to Redis you may "
    "adopt one of the following solutions: 1) Just disable protected mode sending the command "
    "'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from "
    "the same host the server is running, however MAKE SURE Redis is not publicly accessible "
    "from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) "
    "Alternatively you can just disable the protected mode by editing the Redis configuration "
    "file, and setting the protected mode option to 'no', and then restarting the server. 3) "
    "If you started the server manually just for testing, restart it with the "
    "'--protected-mode no' option. 4) Set up an authentication password for the default user. "
    "NOTE: You only need to do one of the above things in order for the server to start "
    "accepting connections from the outside.\r\n";

}  // namespace

Server::Server(config::Config& cfg)
    : cfg_(cfg),
      loop_(uv_default_loop()),
      keyspace_(static_cast<int>(cfg.values().databases)),
      watches_(static_cast<int>(cfg.values().databases)),
      listeners_(loop_, this),
      replica_(loop_, *this) {
    register_all_commands(commands_);
    for (const auto& rc : cfg.values().rename_command) {
        if (!commands_.rename(rc.name, rc.new_name)) {
            LOG_WARNING("rename-command: no such command '%s'", rc.name.c_str());
        }
    }
    run_id_ = random_hex(40);
    keyspace_.set_observer(this);
    asking_cmd_ = commands_.find("asking");
    ping_cmd_ = commands_.find("ping");
    migrate_cmd_ = commands_.find("migrate");
    wait_cmd_ = commands_.find("wait");
    multi_cmd_ = commands_.find("multi");
    exec_cmd_ = commands_.find("exec");
    discard_cmd_ = commands_.find("discard");
    quit_cmd_ = commands_.find("quit");
    reset_cmd_ = commands_.find("reset");
    watch_cmd_ = commands_.find("watch");
    migrate_links_ = std::make_unique<cluster::MigrateLinks>(loop_);
    if (cfg.values().cluster_enabled) {
        cluster_ = std::make_unique<cluster::Cluster>(loop_, cfg_, keyspace_);
        cluster_->set_host(this);
        pubsub_.set_cluster_state(&cluster_->state());
    }
    snapshotter_ =
        std::make_unique<persistence::Snapshotter>(keyspace_, cfg_, &stats_.dirty, unix_ms());
    // Snapshots carry the replication ID and offset, so a restarted node can PSYNC.
    snapshotter_->set_repl_info_source([this](persistence::ReplInfo* ri) {
        ri->repl_id = repl_.ids().replid;
        ri->repl_offset = repl_.offset();
        // The db the stream is in: a resumed stream selects it again only when it changes
        // (Redis' rdbPopulateSaveInfo).
        if (is_replica()) {
            ri->repl_stream_db = master_client_ != nullptr ? master_client_->db : cached_master_db_;
        } else {
            ri->repl_stream_db = repl_.selected_db() < 0 ? 0 : repl_.selected_db();
        }
        return true;
    });
    snapshotter_->set_child_done_hook(
        [this](persistence::ChildKind kind, bool ok) { on_snapshot_child_done(kind, ok); });
}

Server::~Server() { keyspace_.set_observer(nullptr); }

Client* Server::find_client(uint64_t id) {
    auto it = clients_.find(id);
    return it == clients_.end() ? nullptr : it->second;
}

void Server::apply_eviction_config() {
    keyspace::EvictionConfig ec;
    ec.maxmemory = static_cast<uint64_t>(cfg().maxmemory);
    ec.policy = to_eviction_policy(cfg().maxmemory_policy);
    ec.samples = static_cast<int>(cfg().maxmemory_samples);
    ec.lfu_log_factor = static_cast<int>(cfg().lfu_log_factor);
    ec.lfu_decay_time = static_cast<int>(cfg().lfu_decay_time);
    keyspace_.set_eviction_config(ec);
    keyspace::LazyFreeConfig lc;
    lc.expire = cfg().lazyfree_lazy_expire;
    lc.eviction = cfg().lazyfree_lazy_eviction;
    lc.server_del = cfg().lazyfree_lazy_server_del;
    keyspace_.set_lazyfree_config(lc);
}

bool Server::write_pidfile() {
    std::string path = cfg().pidfile;
    if (path.empty()) {
        if (!cfg().daemonize) return true;
        path = "/var/run/slotcache.pid";
    }
    FILE* f = fopen(path.c_str(), "w");
    if (!f) {
        LOG_WARNING("Failed to write PID file: %s", strerror(errno));
        return true;  // as Redis: a warning, not fatal
    }
    fprintf(f, "%d\n", static_cast<int>(getpid()));
    fclose(f);
    return true;
}

bool Server::start() {
    start_ms_ = unix_ms();
    keyspace::register_thread();
    apply_eviction_config();
    register_config_hooks();

    const auto& v = cfg();
    std::string err;
    if (cluster_ && !cluster_->start(&err)) {
        LOG_WARNING("%s", err.c_str());
        return false;
    }
    if (!load_snapshot_at_startup()) return false;
    if (v.port != 0 &&
        !listeners_.listen_tcp(v.bind, static_cast<int>(v.port), static_cast<int>(v.tcp_backlog),
                               &err)) {
        LOG_WARNING("Warning: %s", err.c_str());
        LOG_WARNING("Failed listening on port %lld (tcp), aborting.", v.port);
        return false;
    }
    if (!v.unixsocket.empty() &&
        !listeners_.listen_unix(v.unixsocket, static_cast<unsigned>(v.unixsocketperm),
                                static_cast<int>(v.tcp_backlog), &err)) {
        LOG_WARNING("%s", err.c_str());
        return false;
    }
    if (listeners_.count() == 0) {
        LOG_WARNING("Configured to not listen anywhere, exiting.");
        return false;
    }
    write_pidfile();
    start_replication_from_config();

    uv_prepare_init(loop_, &prepare_);
    prepare_.data = this;
    uv_prepare_start(&prepare_, on_prepare);

    uv_timer_init(loop_, &cron_timer_);
    cron_timer_.data = this;
    uint64_t period = static_cast<uint64_t>(1000 / (v.hz > 0 ? v.hz : 10));
    uv_timer_start(&cron_timer_, on_cron, period, period);

    uv_signal_init(loop_, &sigterm_);
    sigterm_.data = this;
    uv_signal_start(&sigterm_, on_signal, SIGTERM);
    uv_signal_init(loop_, &sigint_);
    sigint_.data = this;
    uv_signal_start(&sigint_, on_signal, SIGINT);
    signal(SIGPIPE, SIG_IGN);

    LOG_NOTICE("Server initialized");
    LOG_NOTICE("Ready to accept connections tcp");
    return true;
}

int Server::run() {
    uv_run(loop_, UV_RUN_DEFAULT);
    return exit_code_;
}

void Server::on_signal(uv_signal_t* s, int signum) {
    auto* self = static_cast<Server*>(s->data);
    if (self->shutting_down_) return;
    LOG_WARNING("Received %s scheduling shutdown...", signum == SIGINT ? "SIGINT" : "SIGTERM");
    // As Redis' shutdown-on-sigterm/sigint "default": save if save points are set; a failed
    // save leaves the server running (shutdown() logged why).
    (void)self->shutdown(ShutdownFlags{});
}

bool Server::shutdown(const ShutdownFlags& flags) {
    if (shutting_down_) return true;
    LOG_WARNING("User requested shutdown...");
    // A child still writing could rename its older image over the final snapshot.
    if (snapshotter_->in_progress()) {
        LOG_WARNING("There is a child saving an .rdb. Killing it!");
        snapshotter_->kill_child();
    }
    if ((!cfg().save.empty() && !flags.nosave) || flags.save) {
        LOG_NOTICE("Saving the final RDB snapshot before exiting.");
        std::string err;
        if (!snapshotter_->save(unix_ms(), &err, false)) {
            if (!flags.force) {
                LOG_WARNING("Error trying to save the DB, can't exit.");
                LOG_WARNING("Errors trying to shut down the server. Check the logs for more "
                            "information.");
                return false;
            }
            LOG_WARNING("Error trying to save the DB. Exit anyway.");
        }
    }
    shutting_down_ = true;
    finish_shutdown();
    return true;
}

void Server::finish_shutdown() {
    if (cluster_) {
        cluster_->save_now();
        cluster_->stop();
    }
    listeners_.close_all();
    migrate_links_->close_all();
    // Before the uv_walk below: it would close the pipe without freeing it, and the replica's
    // link without telling the Replica (whose destructor would close it again).
    close_sync_pipe();
    replica_.unset_master();
    for (auto& [id, c] : clients_) {
        c->conn().flush();
        c->close();
    }
    if (!cfg().pidfile.empty()) {
        LOG_NOTICE("Removing the pid file.");
        unlink(cfg().pidfile.c_str());
    }
    // Closing every remaining handle (timers, prepare, signals) lets uv_run return once their
    // close callbacks ran; client connections delete themselves in theirs.
    uv_walk(
        loop_,
        [](uv_handle_t* h, void*) {
            if (!uv_is_closing(h)) {
                uv_close(h, nullptr);
            }
        },
        nullptr);
    LOG_WARNING("slotcache is now ready to exit, bye bye...");
}

void Server::on_accept(net::Connection* conn) {
    stats_.connections_received++;
    if (clients_.size() >= static_cast<size_t>(cfg().maxclients)) {
        conn->out().append("-ERR max number of clients reached\r\n");
        conn->flush();
        conn->close();
        stats_.rejected_connections++;
        return;
    }
    if (cfg().protected_mode && cfg().requirepass.empty() && !conn->is_loopback()) {
        conn->out().append(kProtectedModeDenied);
        conn->flush();
        conn->close();
        stats_.rejected_connections++;
        return;
    }
    auto* c = new Client(*this, conn, next_client_id_++, unix_ms());
    if (conn->kind() == net::Connection::Kind::Unix) c->set_flag(kClientUnixSocket);
    c->authenticated = cfg().requirepass.empty();
    clients_.emplace(c->id(), c);
    conn->set_handler(c);
    conn->start_reading();
}

void Server::on_client_closed(Client* c) {
    clients_.erase(c->id());
    watches_.unwatch_all(c->watch);
    pubsub_.remove_client(*c);
    if (c->has_flag(kClientReplica)) repl_.remove_replica(c->id());
    if (c == master_client_) {
        master_client_ = nullptr;
        cached_master_db_ = c->db;
        LOG_NOTICE("Connection with master lost.");
        replica_.on_master_lost(unix_ms());
    }
    for (auto& p : pending_write_) {
        if (p == c) p = nullptr;
    }
    for (auto& p : paused_) {
        if (p == c) p = nullptr;
    }
    for (auto& p : key_waiters_) {
        if (p == c) p = nullptr;
    }
    blocking_.remove(c->id());
    stats_.net_input_bytes += c->conn().bytes_read();
    stats_.net_output_bytes += c->conn().bytes_written();
}

void Server::add_pending_write(Client& c) {
    if (c.has_flag(kClientPendingWrite)) return;
    c.set_flag(kClientPendingWrite);
    pending_write_.push_back(&c);
}

void Server::on_client_drained(Client& c) {
    if (c.has_flag(kClientCloseAfterReply)) {
        c.close();
        return;
    }
    if (c.has_flag(kClientPausedOutput)) {
        c.clear_flag(kClientPausedOutput);
        c.conn().resume_reading();
        process_input(c);
    }
}

void Server::on_prepare(uv_prepare_t* h) {
    auto* self = static_cast<Server*>(h->data);
    if (self->cluster_) {
        self->cluster_->before_sleep();
        // Slots whose owner changed this iteration (SETSLOT, gossip, failover): their shard
        // channel subscribers get sunsubscribe before the loop sleeps.
        if (self->pubsub_.has_shard_slots()) {
            self->pubsub_.drop_moved_shard_slots(self->cluster_->state());
        }
    }
    self->replication_before_sleep();
    if (self->blocking_.has_ready()) self->serve_ready_keys();
    self->process_unblocked_clients();
    self->flush_pending_writes();
}

void Server::flush_pending_writes() {
    // Processing input again (a client whose back-pressure lifted) may add to the list: work
    // on a snapshot and repeat, bounded, so one iteration cannot spin on a fast client.
    for (int round = 0; round < 4 && !pending_write_.empty(); round++) {
        std::vector<Client*> batch;
        batch.swap(pending_write_);
        for (Client* c : batch) {
            if (!c) continue;
            c->clear_flag(kClientPendingWrite);
            if (c->is_closing()) continue;
            if (!c->conn().flush()) continue;
            if (c->conn().is_write_pending()) continue;
            if (c->has_flag(kClientCloseAfterReply)) {
                c->close();
            } else if (c->has_flag(kClientPausedOutput) &&
                       c->conn().out().size() < output_pause_threshold() / 2) {
                on_client_drained(*c);
            }
        }
        if (round == 0) pending_write_.reserve(batch.capacity());
    }
}

void Server::pause_clients(PauseKind kind, int64_t until_ms) {
    // A second PAUSE extends or widens, never narrows, as Redis does.
    if (pause_kind_ == PauseKind::None || kind == PauseKind::All) pause_kind_ = kind;
    if (until_ms > pause_until_ms_) pause_until_ms_ = until_ms;
}

void Server::unpause_clients() {
    pause_kind_ = PauseKind::None;
    pause_until_ms_ = 0;
    std::vector<Client*> waiting;
    waiting.swap(paused_);
    for (Client* c : waiting) {
        if (!c || c->is_closing()) continue;
        c->clear_flag(kClientPausedByCommand);
        c->conn().resume_reading();
        process_input(*c);
    }
}

// The keyspace deleted a key on its own: replicas (which never expire or evict by themselves)
// get the DEL, as Redis' propagateDeletion does.
// The key is still in its table during these calls: watchers are told it will be gone.
void Server::on_expired(int db, std::string_view key) {
    if (!watches_.empty()) watches_.touch_deleted(db, key);
    if (repl_.is_feeding()) {
        const char* del = cfg().lazyfree_lazy_expire ? "UNLINK" : "DEL";
        repl_.propagate(db, std::vector<std::string_view>{del, key});
    }
    notify_keyspace_event(config::kNotifyExpired, "expired", key, db);
}

void Server::on_evicted(int db, std::string_view key) {
    if (!watches_.empty()) watches_.touch_deleted(db, key);
    if (repl_.is_feeding()) {
        const char* del = cfg().lazyfree_lazy_eviction ? "UNLINK" : "DEL";
        repl_.propagate(db, std::vector<std::string_view>{del, key});
    }
    notify_keyspace_event(config::kNotifyEvicted, "evicted", key, db);
}

void Server::on_cron(uv_timer_t* t) { static_cast<Server*>(t->data)->cron(); }

void Server::cron() {
    cron_loops_++;
    int64_t now = unix_ms();
    int64_t hz = cfg().hz > 0 ? cfg().hz : 10;
    if (active_expire_ && keyspace_.expire_deletes()) {
        // Redis' slow cycle: at most 25% of each cron period (ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC).
        int64_t budget_us = 1000000 / hz / 4;
        keyspace_.active_expire_cycle(now, budget_us);
    }
    if (cfg().activerehashing) keyspace_.rehash_step(1000);
    if (cfg().maxmemory > 0 && keyspace_.over_maxmemory()) {
        (void)keyspace_.evict_if_needed(now);
    }
    // The cluster's cron runs every 100 ms whatever hz is, as Redis' clusterCron.
    if (cluster_ && now - last_cluster_cron_ms_ >= 100) {
        last_cluster_cron_ms_ = now;
        cluster_->cron(now);
    }
    stats_.sample_ops(monotonic_us());
    keyspace::update_peak();
    if (pause_kind_ != PauseKind::None && now >= pause_until_ms_) unpause_clients();
    replication_cron(now);
    snapshotter_->cron(now);
    migrate_links_->cron(now);
    close_idle_clients(now);
    check_blocked_clients(now);
}

void Server::close_idle_clients(int64_t now_ms) {
    long long timeout = cfg().timeout;
    std::vector<Client*> to_close;
    for (auto& [id, c] : clients_) {
        // Replicas, the master and clients blocked in WAIT are not idle clients (Redis'
        // clientsCronHandleTimeout skips them; repl-timeout governs the links).
        if (timeout > 0 &&
            !c->has_flag(kClientPausedByCommand | kClientReplica | kClientMaster |
                         kClientBlocked) &&
            !c->is_subscribed() &&
            now_ms - c->last_interaction_ms > timeout * 1000) {
            to_close.push_back(c);
            continue;
        }
        enforce_output_limits(*c, now_ms);
    }
    for (Client* c : to_close) {
        LOG_VERBOSE("Closing idle client");
        c->close();
    }
}

size_t Server::obuf_class(const Client& c) {
    if (c.has_flag(kClientReplica)) return static_cast<size_t>(config::ObufClass::Replica);
    if (c.is_subscribed()) return static_cast<size_t>(config::ObufClass::Pubsub);
    return static_cast<size_t>(config::ObufClass::Normal);
}

void Server::note_push_output(Client& c) {
    add_pending_write(c);
    const auto& lim = cfg().client_output_buffer_limit[obuf_class(c)];
    size_t used = c.conn().out().size();
    if ((lim.hard_bytes > 0 && used >= static_cast<size_t>(lim.hard_bytes)) ||
        (lim.soft_bytes > 0 && used >= static_cast<size_t>(lim.soft_bytes))) {
        enforce_output_limits(c, unix_ms());
    }
}

void Server::enforce_output_limits(Client& c, int64_t now_ms) {
    if (c.is_closing()) return;
    // Classes: 0 normal, 1 replica, 2 pubsub (client-output-buffer-limit's order). The master
    // client's output is our ACKs: never limited.
    if (c.has_flag(kClientMaster)) return;
    const auto& lim = cfg().client_output_buffer_limit[obuf_class(c)];
    size_t used = c.conn().out().size();
    bool hard = lim.hard_bytes > 0 && used >= static_cast<size_t>(lim.hard_bytes);
    bool soft = false;
    if (lim.soft_bytes > 0 && used >= static_cast<size_t>(lim.soft_bytes)) {
        if (c.obuf_soft_since_ms == 0) c.obuf_soft_since_ms = now_ms;
        soft = now_ms - c.obuf_soft_since_ms >= lim.soft_seconds * 1000;
    } else {
        c.obuf_soft_since_ms = 0;
    }
    if (hard || soft) {
        LOG_WARNING("Client %s scheduled to be closed ASAP for overcoming of output buffer limits.",
                    c.describe(now_ms).c_str());
        stats_.client_outbuf_limit_disconnections++;
        c.close();
    }
}

void Stats::sample_ops(int64_t now_us) {
    // One sample per 100 ms, like Redis' STATS_METRIC_SAMPLES over run_with_period(100).
    if (last_sample_us == 0) {
        last_sample_us = now_us;
        last_sample_ops = commands_processed;
        return;
    }
    int64_t dt = now_us - last_sample_us;
    if (dt < 100000) return;
    uint64_t ops = commands_processed - last_sample_ops;
    ops_samples[ops_sample_idx] = ops * 1000000 / static_cast<uint64_t>(dt);
    ops_sample_idx = (ops_sample_idx + 1) % kSamples;
    last_sample_us = now_us;
    last_sample_ops = commands_processed;
}

uint64_t Stats::instantaneous_ops() const {
    uint64_t sum = 0;
    for (auto s : ops_samples) sum += s;
    return sum / kSamples;
}

}  // namespace slotcache::server

namespace slotcache::server {

void Server::register_config_hooks() {
    auto eviction = [this](const config::Values&) {
        apply_eviction_config();
        return std::string();
    };
    for (const char* name : {"maxmemory", "maxmemory-policy", "maxmemory-samples",
                             "lfu-log-factor", "lfu-decay-time", "lazyfree-lazy-expire",
                             "lazyfree-lazy-eviction", "lazyfree-lazy-server-del"}) {
        cfg_.set_hook(name, eviction);
    }
    // The RDB loaders have no server: they read keyspace::hash_limits(), kept equal here.
    auto hash_limits = [](const config::Values& v) {
        keyspace::set_hash_limits({static_cast<size_t>(v.hash_max_listpack_entries),
                                   static_cast<size_t>(v.hash_max_listpack_value)});
        return std::string();
    };
    hash_limits(cfg());
    for (const char* name : {"hash-max-listpack-entries", "hash-max-listpack-value"}) {
        cfg_.set_hook(name, hash_limits);
    }
    // The RDB loaders have no server: they read keyspace::zset_listpack_limits(), kept equal here.
    auto zset_limits = [](const config::Values& v) {
        keyspace::set_zset_listpack_limits({static_cast<size_t>(v.zset_max_listpack_entries),
                                            static_cast<size_t>(v.zset_max_listpack_value)});
        return std::string();
    };
    zset_limits(cfg());
    for (const char* name : {"zset-max-listpack-entries", "zset-max-listpack-value"}) {
        cfg_.set_hook(name, zset_limits);
    }
    cfg_.set_hook("loglevel", [](const config::Values& v) {
        log::set_level(v.loglevel);
        return std::string();
    });
    cfg_.set_hook("dir", [](const config::Values& v) {
        if (chdir(v.dir.c_str()) != 0) return std::string(strerror(errno));
        return std::string();
    });
    cfg_.set_hook("hz", [this](const config::Values& v) {
        uint64_t period = static_cast<uint64_t>(1000 / (v.hz > 0 ? v.hz : 10));
        if (uv_is_active(reinterpret_cast<uv_handle_t*>(&cron_timer_))) {
            uv_timer_start(&cron_timer_, on_cron, period, period);
        }
        return std::string();
    });
}

}  // namespace slotcache::server
