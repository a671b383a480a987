// The server's side of replication: what ties the replication module (backlog, master side,
// replica state machine) to clients, the keyspace, the snapshot codec and the cron.
//
// Full sync (Redis 7.0's syncCommand / startBgsaveForReplication, DESIGN §6): the snapshot is
// made off the loop by a forked child, the Snapshotter's one child slot:
//  - repl-diskless-sync no: a BGSAVE; when it succeeds the file is sent as "$<len>\r\n<rdb>".
//  - repl-diskless-sync yes (the default): a Socket child writes the RDB into a pipe; the loop
//    reads it (a uv_pipe_t, never blocking) and appends each chunk to the waiting replicas'
//    outputs after "$EOF:<40 random chars>\r\n", then the same 40 chars. The child starts
//    repl-diskless-sync-delay seconds after the first replica asked (or once
//    repl-diskless-sync-max-replicas wait), so that several replicas share it; a replica that
//    cannot read "$EOF:" (no REPLCONF capa eof) makes the batch disk-based.
// At the fork every waiting replica gets "+FULLRESYNC <replid> <offset at the fork>" and goes to
// WaitBgsaveEnd: the stream from then on collects in its pending buffer (Master::feed) and is
// queued right after the payload, when it becomes Online. A replica arriving while a child
// runs (ours or a user's BGSAVE) waits for the next one. A failed child closes its replicas,
// which reconnect and try again.
// Rejected: encoding on the loop (the old way: ~0.4 s stall per million keys) and sharing a
// running child with a late replica (its stream position is past the fork; Redis does it only
// for disk children, and it is an optimisation, not a behaviour clients see).
//
// Loop thread only.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/clock.h"
#include "common/log.h"
#include "common/random.h"
#include "keyspace/memory.h"
#include "persistence/rdb_reader.h"
#include "persistence/rdb_writer.h"
#include "server/server.h"

namespace slotcache::server {

namespace {

constexpr std::string_view kPingCommand = "*1\r\n$4\r\nPING\r\n";
constexpr std::string_view kGetackCommand = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n";

bool read_whole_file(const std::string& path, std::string* out, std::string* err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = path + ": " + std::strerror(errno);
        return false;
    }
    out->clear();
    char buf[64 * 1024];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            *err = path + ": " + std::strerror(errno);
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        out->append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return true;
}

}  // namespace

replication::ReplicaSettings Server::replica_settings() const {
    replication::ReplicaSettings s;
    s.masteruser = cfg().masteruser;
    s.masterauth = cfg().masterauth;
    s.listening_port = static_cast<int>(cfg().replica_announce_port ? cfg().replica_announce_port
                                                                    : cfg().port);
    s.announce_ip = cfg().replica_announce_ip;
    s.timeout_s = cfg().repl_timeout;
    return s;
}

bool Server::load_snapshot_at_startup() {
    bool replica = cluster_ ? cluster_->myself()->is_replica() : !cfg().replicaof_host.empty();
    auto r = persistence::load_snapshot_file(keyspace_, cfg(), replica, unix_ms());
    if (r.status == persistence::StartupLoad::Status::Error) {
        LOG_WARNING("Fatal error loading the DB: %s. Exiting.", r.error.c_str());
        return false;
    }
    if (r.status == persistence::StartupLoad::Status::Loaded) {
        LOG_NOTICE("DB loaded from disk: %.3f seconds", r.seconds);
        snapshotter_->note_load(r.stats);
        // A snapshot that carries a replication ID lets this node continue that history
        // (Redis' rdbSaveInfo): a restarted replica resumes with PSYNC, a master keeps serving
        // partial syncs from the offset it stopped at.
        const auto& aux = r.stats.aux;
        if (aux.repl_id.size() == replication::kReplIdLen && aux.repl_offset >= 0) {
            repl_.adopt(aux.repl_id, aux.repl_offset);
            offer_own_history_ = replica;
            if (!replica) repl_.create_backlog(static_cast<size_t>(cfg().repl_backlog_size));
            if (replica && aux.repl_stream_db >= 0) cached_master_db_ = aux.repl_stream_db;
        }
    }
    return true;
}

void Server::start_replication_from_config() {
    cfg_.set_hook("repl-backlog-size", [this](const config::Values& v) {
        repl_.resize_backlog(static_cast<size_t>(v.repl_backlog_size));
        return std::string();
    });
    if (cluster_) {
        cluster::Node* me = cluster_->myself();
        if (me->is_replica() && me->master != nullptr && !me->master->ip.empty()) {
            follow_master(me->master->ip, me->master->port);
        }
        return;
    }
    if (!cfg().replicaof_host.empty()) {
        keyspace_.set_expire_deletes(false);
        replica_.set_master(cfg().replicaof_host, static_cast<int>(cfg().replicaof_port),
                            replica_settings());
    }
}

// ---- master side ----------------------------------------------------------------------------

void Server::propagate(Client& c, const CommandDef& cmd, CommandContext& ctx) {
    (void)c;
    (void)cmd;
    if (ctx.rewritten.empty()) {
        repl_.propagate(ctx.db.id(), ctx.args);
    } else {
        repl_.propagate(ctx.db.id(), ctx.rewritten);
    }
}

void Server::replica_sync(Client& c, std::string_view replid, long long psync_offset,
                          bool psync) {
    if (c.has_flag(kClientReplica)) return;  // Redis ignores SYNC from a replica
    if (is_replica() && !replica_.is_link_up()) {
        resp::Reply(c.conn().out(), c.proto)
            .error("NOMASTERLINK Can't SYNC while not connected with my master");
        return;
    }
    int64_t now = unix_ms();
    replication::ReplicaLink* link = repl_.find_replica(c.id());
    if (link == nullptr) {
        link = repl_.add_replica(c.id(), &c.conn(), &c);
        link->listening_port = c.repl_listening_port;
        link->announced_ip = c.repl_ip;
        link->capa = c.repl_capa;
    }
    c.set_flag(kClientReplica);
    c.authenticated = true;
    std::string addr = c.conn().peer_addr();
    if (psync) {
        auto d = replication::decide_psync(repl_.ids(), repl_.backlog(), replid, psync_offset);
        if (d.outcome == replication::PsyncOutcome::Continue) {
            bool psync2 = (link->capa & replication::kCapaPsync2) != 0;
            std::string out = psync2 ? "+CONTINUE " + repl_.ids().replid + "\r\n" : "+CONTINUE\r\n";
            repl_.backlog_from(psync_offset, &out);
            c.conn().out().append(out);
            link->state = replication::ReplicaState::Online;
            link->ack_time_ms = now;
            stats_.sync_partial_ok++;
            LOG_NOTICE("Partial resynchronization request from %s accepted. Sending %lld bytes "
                       "of backlog starting from offset %lld.",
                       addr.c_str(), repl_.offset() - psync_offset + 1, psync_offset);
            add_pending_write(c);
            return;
        }
        if (d.partial_failed) {
            stats_.sync_partial_err++;
            LOG_NOTICE("Partial resynchronization not accepted: %s", d.reason);
        }
        LOG_NOTICE("Full resync requested by replica %s", addr.c_str());
    }
    stats_.sync_full++;
    // The first replica of a node that never had one starts a new history (syncCommand).
    if (repl_.backlog() == nullptr && !is_replica()) {
        if (repl_.replicas().size() == 1) repl_.ids().reset();
        repl_.create_backlog(static_cast<size_t>(cfg().repl_backlog_size));
    }
    link->old_sync = !psync;
    link->state = replication::ReplicaState::WaitBgsaveStart;
    link->sync_wait_since_ms = now;
    if (sync_.kind != persistence::ChildKind::None || snapshotter_->in_progress()) {
        LOG_NOTICE("Waiting for next BGSAVE for SYNC");
    } else if (cfg().repl_diskless_sync && (link->capa & replication::kCapaEof) != 0 &&
               cfg().repl_diskless_sync_delay > 0) {
        LOG_NOTICE("Delay next BGSAVE for diskless SYNC");
    }
    start_full_sync_if_due(now);
}

// ---- full sync: the snapshot child --------------------------------------------------------

void Server::start_full_sync_if_due(int64_t now_ms) {
    if (sync_.kind != persistence::ChildKind::None || snapshotter_->in_progress()) return;
    std::vector<replication::ReplicaLink*> waiting;
    bool all_eof = true;
    int64_t oldest = now_ms;
    for (const auto& r : repl_.replicas()) {
        if (r->state != replication::ReplicaState::WaitBgsaveStart || r->conn->is_closing()) {
            continue;
        }
        waiting.push_back(r.get());
        all_eof = all_eof && (r->capa & replication::kCapaEof) != 0;
        oldest = std::min(oldest, r->sync_wait_since_ms);
    }
    if (waiting.empty()) return;
    // A replica that cannot read "$EOF:" gets the file (Redis' mincapa check).
    bool diskless = cfg().repl_diskless_sync && all_eof;
    if (diskless) {
        long long max = cfg().repl_diskless_sync_max_replicas;
        bool enough = max > 0 && static_cast<long long>(waiting.size()) >= max;
        if (!enough && now_ms - oldest < cfg().repl_diskless_sync_delay * 1000) return;
    }
    FullSync job;
    job.offset = repl_.offset();
    if (diskless) {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0) {
            LOG_WARNING("Can't create the pipe for the diskless sync: %s", strerror(errno));
            fail_waiting_replicas(waiting);
            return;
        }
        if (!snapshotter_->start_socket_child(fds[0], fds[1], now_ms)) {
            ::close(fds[0]);
            fail_waiting_replicas(waiting);
            return;
        }
        job.kind = persistence::ChildKind::Socket;
        job.eof_mark = random_hex(replication::kReplIdLen);
        job.pipe = new uv_pipe_t;
        uv_pipe_init(loop_, job.pipe, 0);
        job.pipe->data = this;
        uv_pipe_open(job.pipe, fds[0]);
        uv_read_start(reinterpret_cast<uv_stream_t*>(job.pipe), on_sync_pipe_alloc,
                      on_sync_pipe_read);
        LOG_NOTICE("Starting BGSAVE for SYNC with target: replicas sockets");
    } else {
        LOG_NOTICE("Starting BGSAVE for SYNC with target: disk");
        if (snapshotter_->bgsave(now_ms, false) != persistence::BgsaveStart::Started) {
            LOG_WARNING("BGSAVE for replication failed");
            fail_waiting_replicas(waiting);
            return;
        }
        job.kind = persistence::ChildKind::Disk;
        job.pipe_done = true;
    }
    // The replica loads the snapshot into db 0 state: the stream selects its db again.
    repl_.reset_selected_db();
    for (replication::ReplicaLink* link : waiting) {
        auto* c = static_cast<Client*>(link->owner);
        link->state = replication::ReplicaState::WaitBgsaveEnd;
        link->pending.clear();
        std::string head;
        if (!link->old_sync) {
            head = "+FULLRESYNC " + repl_.ids().replid + " " + std::to_string(job.offset) + "\r\n";
        }
        if (diskless) head += "$EOF:" + job.eof_mark + "\r\n";
        c->conn().out().append(head);
        add_pending_write(*c);
        job.targets.push_back(link->client_id);
    }
    sync_ = std::move(job);
}

void Server::fail_waiting_replicas(const std::vector<replication::ReplicaLink*>& links) {
    std::vector<Client*> victims;
    for (auto* l : links) victims.push_back(static_cast<Client*>(l->owner));
    for (Client* c : victims) c->close();
}

void Server::on_sync_pipe_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* self = static_cast<Server*>(h->data);
    self->sync_read_buf_.resize(64 * 1024);
    *buf = uv_buf_init(self->sync_read_buf_.data(),
                       static_cast<unsigned>(self->sync_read_buf_.size()));
}

void Server::on_sync_pipe_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* self = static_cast<Server*>(s->data);
    if (nread > 0) {
        std::string_view data(buf->base, static_cast<size_t>(nread));
        for (uint64_t id : self->sync_.targets) {
            replication::ReplicaLink* link = self->repl_.find_replica(id);
            if (link != nullptr && link->state == replication::ReplicaState::WaitBgsaveEnd) {
                link->conn->out().append(data);
            }
        }
        return;
    }
    if (nread == 0) return;
    if (nread != UV_EOF) {
        LOG_WARNING("Diskless sync: reading the child's pipe failed: %s",
                    uv_strerror(static_cast<int>(nread)));
    }
    self->close_sync_pipe();
    self->sync_.pipe_done = true;
    // The child closed its end by exiting: reap it now rather than at the next cron tick.
    self->snapshotter_->poll(unix_ms());
    self->finish_full_sync_if_done();
}

void Server::close_sync_pipe() {
    if (sync_.pipe == nullptr) return;
    // Closing a handle twice is a libuv assertion (abort): a shutdown's uv_walk may have got
    // to it first.
    auto* h = reinterpret_cast<uv_handle_t*>(sync_.pipe);
    if (!uv_is_closing(h)) {
        uv_close(h, [](uv_handle_t* p) { delete reinterpret_cast<uv_pipe_t*>(p); });
    }
    sync_.pipe = nullptr;
}

void Server::on_snapshot_child_done(persistence::ChildKind kind, bool ok) {
    // A child killed by SHUTDOWN reports after every handle was closed: nothing to finish.
    if (shutting_down_) return;
    if (sync_.kind == persistence::ChildKind::None || kind != sync_.kind) return;
    sync_.child_done = true;
    sync_.child_ok = ok;
    finish_full_sync_if_done();
}

void Server::finish_full_sync_if_done() {
    if (sync_.kind == persistence::ChildKind::None || !sync_.child_done || !sync_.pipe_done) {
        return;
    }
    FullSync job = std::move(sync_);
    sync_ = FullSync{};
    bool ok = job.child_ok;
    std::string file;
    if (ok && job.kind == persistence::ChildKind::Disk) {
        // The child wrote (and renamed) the RDB file; a read from the page cache, not an
        // encoding, so it stays short on the loop.
        std::string path = persistence::snapshot_path(cfg().dir, cfg().dbfilename);
        std::string err;
        ok = read_whole_file(path, &file, &err);
        if (!ok) LOG_WARNING("Can't read the RDB for the replicas: %s", err.c_str());
    }
    int64_t now = unix_ms();
    for (uint64_t id : job.targets) {
        replication::ReplicaLink* link = repl_.find_replica(id);
        if (link == nullptr || link->state != replication::ReplicaState::WaitBgsaveEnd) continue;
        auto* c = static_cast<Client*>(link->owner);
        if (!ok) {
            LOG_WARNING("SYNC failed. BGSAVE child returned an error");
            c->close();
            continue;
        }
        auto& out = c->conn().out();
        if (job.kind == persistence::ChildKind::Disk) {
            out.append("$" + std::to_string(file.size()) + "\r\n");
            out.append(file);
        } else {
            out.append(job.eof_mark);
        }
        out.append(link->pending);
        std::string().swap(link->pending);
        link->state = replication::ReplicaState::Online;
        link->ack_time_ms = now;
        LOG_NOTICE("Synchronization with replica %s:%d succeeded", link->ip().c_str(),
                   link->listening_port);
        add_pending_write(*c);
    }
}

void Server::replica_ack(Client& c, long long offset) {
    replication::ReplicaLink* link = repl_.find_replica(c.id());
    if (link == nullptr) return;
    if (offset > link->ack_offset) link->ack_offset = offset;
    link->ack_time_ms = unix_ms();
    if (!waiters_.empty()) check_waiters(link->ack_time_ms);
}

void Server::disconnect_replicas() {
    std::vector<Client*> victims;
    for (const auto& r : repl_.replicas()) victims.push_back(static_cast<Client*>(r->owner));
    for (Client* v : victims) v->close();
}

// ---- WAIT -----------------------------------------------------------------------------------

void Server::wait_for_replicas(Client& c, long long numreplicas, long long timeout_ms) {
    long long offset = repl_.offset();
    int acked = repl_.replicas_acked(offset);
    if (acked >= numreplicas) {
        resp::Reply(c.conn().out(), c.proto).integer(acked);
        return;
    }
    int64_t deadline = timeout_ms > 0 ? unix_ms() + timeout_ms : 0;
    waiters_.push_back({c.id(), offset, numreplicas, deadline});
    c.set_flag(kClientBlocked);
    getack_pending_ = true;
}

void Server::check_waiters(int64_t now_ms) {
    for (size_t i = 0; i < waiters_.size();) {
        Waiter w = waiters_[i];
        Client* c = find_client(w.client_id);
        int acked = repl_.replicas_acked(w.offset);
        bool done = c == nullptr || c->is_closing() || acked >= w.numreplicas ||
                    (w.deadline_ms != 0 && now_ms >= w.deadline_ms);
        if (!done) {
            i++;
            continue;
        }
        waiters_.erase(waiters_.begin() + static_cast<long>(i));
        if (c == nullptr || c->is_closing()) continue;
        resp::Reply(c->conn().out(), c->proto).integer(acked);
        c->clear_flag(kClientBlocked);
        c->conn().resume_reading();
        add_pending_write(*c);
        process_input(*c);
    }
}

// ---- replica side ---------------------------------------------------------------------------

void Server::follow_master(const std::string& host, int port) {
    if (master_client_ != nullptr) master_client_->close();
    bool was_master = !is_replica();
    unblock_all_blocked(
        "UNBLOCKED force unblock from blocking operation, instance state changed (master -> "
        "replica?)",
        true);
    keyspace_.set_expire_deletes(false);
    // A former master continues its own history with the new master when it can (Redis 7's
    // replicationCacheMasterUsingMyself); its replicas reconnect and resync from us.
    offer_own_history_ = true;
    if (was_master) disconnect_replicas();
    replica_.set_master(host, port, replica_settings());
}

std::string Server::set_replicaof(const std::string& host, int port, const std::string& who) {
    if (cluster_) return "-ERR REPLICAOF not allowed in cluster mode.";
    auto& v = cfg_.mutable_values();
    if (host.empty()) {
        if (is_replica()) {
            stop_replicating();
            v.replicaof_host.clear();
            v.replicaof_port = 0;
            LOG_NOTICE("MASTER MODE enabled (user request from '%s')", who.c_str());
        }
        return "+OK\r\n";
    }
    if (is_replica() && replica_.master_host() == host && replica_.master_port() == port) {
        LOG_NOTICE("REPLICAOF would result into synchronization with the master we are already "
                   "connected with. No operation performed.");
        return "+OK Already connected to specified master\r\n";
    }
    follow_master(host, port);
    v.replicaof_host = host;
    v.replicaof_port = port;
    LOG_NOTICE("REPLICAOF %s:%d enabled (user request from '%s')", host.c_str(), port,
               who.c_str());
    return "+OK\r\n";
}

void Server::stop_replicating() {
    replica_.unset_master();
    if (master_client_ != nullptr) master_client_->close();
    // PSYNC2: our replicas (and the old master's) continue from the shifted history.
    repl_.ids().shift(repl_.offset());
    repl_.reset_selected_db();
    if (repl_.backlog() == nullptr) {
        repl_.create_backlog(static_cast<size_t>(cfg().repl_backlog_size));
    }
    disconnect_replicas();
    keyspace_.set_expire_deletes(true);
}

// ---- cluster failover ------------------------------------------------------------------------

void Server::cluster_became_master() {
    if (!is_replica()) return;
    stop_replicating();
    LOG_NOTICE("MASTER MODE enabled (failover)");
}

void Server::cluster_follow(const cluster::Node& master) {
    follow_master(master.ip, master.port);
}

int64_t Server::cluster_repl_offset() const { return repl_.offset(); }

int64_t Server::cluster_master_silence_ms(int64_t now_ms) const {
    if (replica_.is_link_up()) return now_ms - replica_.last_io_ms();
    return now_ms - replica_.link_down_since_ms();
}

void Server::cluster_pause_writes(int64_t until_ms) {
    if (until_ms == 0) {
        unpause_clients();
    } else {
        pause_clients(PauseKind::Write, until_ms);
    }
}

void Server::psync_offer(std::string* replid, long long* offset) {
    if (!offer_own_history_) {
        replid->clear();
        return;
    }
    *replid = repl_.ids().replid;
    *offset = repl_.offset();
}

bool Server::load_snapshot(std::string_view rdb, std::string_view replid, long long offset,
                           std::string* err) {
    // Our own replicas followed the history we are dropping.
    disconnect_replicas();
    // Redis' emptyData on a full sync: watchers of keys that existed see them touched.
    for (int i = 0; i < keyspace_.db_count(); i++) signal_flushed_db(i);
    keyspace_.clear_all();
    persistence::BufferSource src(rdb);
    persistence::LoadOptions lo;
    lo.now_ms = unix_ms();
    lo.replica = true;
    lo.verify_checksum = true;
    persistence::LoadStats ls;
    bool ok = persistence::load_rdb(src, keyspace_, lo, &ls, err);
    if (!ok) {
        keyspace_.clear_all();
        return false;
    }
    LOG_NOTICE("Done loading RDB, keys loaded: %llu", static_cast<unsigned long long>(ls.keys_loaded));
    repl_.adopt(replid, offset);
    repl_.create_backlog(static_cast<size_t>(cfg().repl_backlog_size));
    cached_master_db_ = 0;
    offer_own_history_ = true;
    return true;
}

void Server::continue_history(std::string_view new_replid) {
    if (!new_replid.empty() && new_replid != repl_.ids().replid) {
        LOG_NOTICE("Master replication ID changed to %.*s", static_cast<int>(new_replid.size()),
                   new_replid.data());
        repl_.switch_replid(new_replid);
        disconnect_replicas();
    }
    repl_.create_backlog(static_cast<size_t>(cfg().repl_backlog_size));
}

void Server::attach_master(net::Connection* conn) {
    int64_t now = unix_ms();
    auto* c = new Client(*this, conn, next_client_id_++, now);
    c->set_flag(kClientMaster);
    c->authenticated = true;
    c->db = cached_master_db_;
    clients_.emplace(c->id(), c);
    conn->set_handler(c);
    master_client_ = c;
    replica_.note_master_io(now);
    last_ack_sent_ms_ = 0;
    if (conn->read_size() > 0) process_input(*c);
}

long long Server::replica_offset() const { return repl_.offset(); }

// ---- checks before a command ----------------------------------------------------------------

bool Server::reject_by_replication(Client& c, const CommandDef& cmd, resp::Reply& reply) {
    bool write = (cmd.flags & kCmdWrite) != 0;
    if (is_replica()) {
        if (!replica_.is_link_up() && !cfg().replica_serve_stale_data &&
            !(cmd.flags & kCmdStale)) {
            reply.error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set "
                        "to 'no'.");
            return true;
        }
        if (write && cfg().replica_read_only) {
            reply.error("READONLY You can't write against a read only replica.");
            return true;
        }
        return false;
    }
    if (write && cfg().min_replicas_to_write > 0 && cfg().min_replicas_max_lag > 0 &&
        repl_.good_replicas(c.last_interaction_ms, cfg().min_replicas_max_lag) <
            cfg().min_replicas_to_write) {
        reply.error("NOREPLICAS Not enough good replicas to write.");
        return true;
    }
    return false;
}

// ---- timers ---------------------------------------------------------------------------------

void Server::replication_before_sleep() {
    if (getack_pending_) {
        getack_pending_ = false;
        if (!repl_.replicas().empty() && !is_replica()) repl_.feed_raw(kGetackCommand);
    }
    for (const auto& r : repl_.replicas()) {
        auto* c = static_cast<Client*>(r->owner);
        if (!c->conn().out().empty()) add_pending_write(*c);
    }
}

void Server::replication_cron(int64_t now_ms) {
    replica_.cron(now_ms);
    start_full_sync_if_due(now_ms);
    if (master_client_ != nullptr) {
        if (now_ms - replica_.last_io_ms() > cfg().repl_timeout * 1000) {
            LOG_WARNING("MASTER timeout: no data nor PING received...");
            master_client_->close();
        } else if (now_ms - last_ack_sent_ms_ >= 1000) {
            last_ack_sent_ms_ = now_ms;
            std::string ack;
            replication::append_resp_command(
                &ack, {"REPLCONF", "ACK", std::to_string(repl_.offset())});
            master_client_->conn().out().append(ack);
            add_pending_write(*master_client_);
        }
    }
    if (!is_replica() && !repl_.replicas().empty() &&
        now_ms - last_replica_ping_ms_ >= cfg().repl_ping_replica_period * 1000) {
        last_replica_ping_ms_ = now_ms;
        repl_.feed_raw(kPingCommand);
    }
    std::vector<Client*> timed_out;
    for (const auto& r : repl_.replicas()) {
        if (r->state == replication::ReplicaState::Online &&
            now_ms - r->ack_time_ms > cfg().repl_timeout * 1000) {
            LOG_WARNING("Disconnecting timedout replica: %s:%d", r->ip().c_str(),
                        r->listening_port);
            timed_out.push_back(static_cast<Client*>(r->owner));
        }
    }
    for (Client* c : timed_out) c->close();
    // repl-backlog-ttl: a master without replicas frees its backlog after the TTL.
    if (!is_replica() && repl_.backlog() != nullptr && repl_.replicas().empty() &&
        cfg().repl_backlog_ttl > 0 &&
        now_ms - repl_.no_replicas_since_ms() > cfg().repl_backlog_ttl * 1000) {
        repl_.ids().reset();
        repl_.free_backlog();
        LOG_NOTICE("Replication backlog freed after %lld seconds without connected replicas.",
                   cfg().repl_backlog_ttl);
    }
    if (!waiters_.empty()) {
        getack_pending_ = true;
        check_waiters(now_ms);
    }
    if (cluster_) cluster_->myself()->repl_offset = repl_.offset();
}

}  // namespace slotcache::server

namespace slotcache::server {

std::string Server::replication_info() const {
    std::string out;
    char buf[512];
    auto line = [&](const char* fmt, auto... a) {
        int n = snprintf(buf, sizeof(buf), fmt, a...);
        if (n > 0) out.append(buf, std::min(static_cast<size_t>(n), sizeof(buf) - 1));
        out += "\r\n";
    };
    int64_t now = unix_ms();
    out += "# Replication\r\n";
    if (!is_replica()) {
        line("role:master");
    } else {
        line("role:slave");
        line("master_host:%s", replica_.master_host().c_str());
        line("master_port:%d", replica_.master_port());
        bool up = replica_.is_link_up();
        line("master_link_status:%s", up ? "up" : "down");
        line("master_last_io_seconds_ago:%d",
             up ? static_cast<int>((now - replica_.last_io_ms()) / 1000) : -1);
        line("master_sync_in_progress:%d", replica_.sync_in_progress() ? 1 : 0);
        line("slave_read_repl_offset:%lld", repl_.offset());
        line("slave_repl_offset:%lld", repl_.offset());
        if (replica_.sync_in_progress()) {
            unsigned long long total = replica_.transfer_size();
            unsigned long long got = replica_.transfer_read();
            line("master_sync_total_bytes:%lld", total ? static_cast<long long>(total) : -1LL);
            line("master_sync_read_bytes:%llu", got);
            line("master_sync_left_bytes:%lld",
                 total ? static_cast<long long>(total - got) : -1LL);
            line("master_sync_perc:%.2f", total ? 100.0 * static_cast<double>(got) / total : 0.0);
            line("master_sync_last_io_seconds_ago:0");
        }
        if (!up) {
            line("master_link_down_since_seconds:%lld",
                 static_cast<long long>((now - replica_.link_down_since_ms()) / 1000));
        }
        line("slave_priority:%lld", cfg().replica_priority);
        line("slave_read_only:%d", cfg().replica_read_only ? 1 : 0);
        line("replica_announced:1");
    }
    line("connected_slaves:%zu", repl_.replicas().size());
    if (!is_replica() && cfg().min_replicas_to_write > 0 && cfg().min_replicas_max_lag > 0) {
        line("min_slaves_good_slaves:%d", repl_.good_replicas(now, cfg().min_replicas_max_lag));
    }
    int i = 0;
    for (const auto& r : repl_.replicas()) {
        // Redis says wait_bgsave until the child ended, for either kind of sync.
        const char* state = r->state == replication::ReplicaState::Online ? "online"
                                                                           : "wait_bgsave";
        line("slave%d:ip=%s,port=%d,state=%s,offset=%lld,lag=%lld", i++, r->ip().c_str(),
             r->listening_port, state, r->ack_offset,
             static_cast<long long>((now - r->ack_time_ms) / 1000));
    }
    const auto& ids = repl_.ids();
    const auto* bl = repl_.backlog();
    line("master_failover_state:no-failover");
    line("master_replid:%s", ids.replid.c_str());
    line("master_replid2:%s", ids.replid2.c_str());
    line("master_repl_offset:%lld", repl_.offset());
    line("second_repl_offset:%lld", ids.second_repl_offset);
    line("repl_backlog_active:%d", bl ? 1 : 0);
    line("repl_backlog_size:%lld", cfg().repl_backlog_size);
    line("repl_backlog_first_byte_offset:%lld", bl ? bl->first_byte_offset() : 0LL);
    line("repl_backlog_histlen:%zu", bl ? bl->histlen() : static_cast<size_t>(0));
    return out;
}

}  // namespace slotcache::server
