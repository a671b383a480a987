// The data path of a command, from buffered bytes to a buffered reply (DESIGN.md §3).
//
// Outcomes of execute(), in the order they are checked (each writes its own error):
//   1. unknown command                 -> ERR unknown command '<name>', with args beginning with: ...
//   2. unknown subcommand              -> ERR unknown subcommand '<sub>'. Try <CMD> HELP.
//   3. wrong arity                     -> ERR wrong number of arguments for '<name>' command
//   4. not authenticated               -> NOAUTH Authentication required.
//      in MULTI, a no_multi command, MIGRATE or WAIT -> ERR Command not allowed inside a
//      transaction
//   5. a MIGRATE in flight holds one of the command's keys (or the command is a keyless
//      write)                         -> not run now: parked like a paused client until the
//                                         keys are released (key_holds.cpp)
//   6. cluster routing: MOVED, ASK, TRYAGAIN, CROSSSLOT, CLUSTERDOWN (cluster/routing.h)
//   7. CLIENT PAUSE covers the command -> not run now: the client is parked with its input
//                                         unconsumed and resumes when the pause ends
//   8. a failed BGSAVE with save points and stop-writes-on-bgsave-error -> MISCONF ... for
//      writes and PING, until a save succeeds
//   9. replication: a write on a read-only replica -> READONLY ...; the master link down
//      with replica-serve-stale-data no -> MASTERDOWN ...; a write on a master with fewer
//      good replicas than min-replicas-to-write -> NOREPLICAS ...
//  10. over maxmemory, nothing to evict, and the command may grow memory -> OOM ...
//  10a. a RESP2 client in pub/sub mode, anything but (P|S)(UN)SUBSCRIBE/PING/QUIT/RESET
//                                     -> ERR Can't execute '<cmd>': only (P|S)SUBSCRIBE / ...
//  11. in MULTI, anything but EXEC/DISCARD/MULTI/WATCH/QUIT/RESET is queued (+QUEUED); a
//      refusal above marks the transaction, and EXEC then answers EXECABORT (multi.cpp)
//  12. otherwise the handler runs; its time feeds commandstats and the slowlog, and a write
//      that changed the dataset signals its keys to WATCH (watch.h) and is propagated to the
//      backlog and the replicas.
//
// The master client (this node's master, executing the replication stream) skips 4-11 and
// gets no replies (they go to a scratch buffer); the bytes of each command it runs are
// proxied verbatim to this node's own backlog and replicas, which keeps the offsets equal.
//
// Input handling stops for a client while its output exceeds kOutputPauseBytes (back-pressure),
// while it is parked by CLIENT PAUSE, and once it is marked close-after-reply.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>

#include "common/clock.h"
#include "common/crc16.h"
#include "common/log.h"
#include "common/strutil.h"
#include "cluster/routing.h"
#include "server/server.h"

namespace slotcache::server {

namespace {

std::string unknown_command_error(const std::vector<std::string_view>& args) {
    std::string msg = "ERR unknown command '";
    msg.append(args[0].substr(0, 128));
    msg += "', with args beginning with: ";
    size_t listed = 0;
    for (size_t i = 1; i < args.size() && listed < 128; i++) {
        size_t room = 128 - listed;
        std::string_view a = args[i].substr(0, room);
        msg += '\'';
        msg.append(a);
        msg += "' ";
        listed += a.size() + 3;
    }
    return msg;
}

std::string upper(std::string_view s) {
    std::string r(s);
    for (auto& ch : r) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
    return r;
}

// True when the byte at offset `at` of the pending output is '-', an error reply's first byte.
bool reply_starts_with_error(const resp::OutBuffer& out, size_t at) {
    if (out.size() <= at) return false;
    iovec iov[64];
    size_t n = out.iov(iov, 64);
    for (size_t i = 0; i < n; i++) {
        if (at < iov[i].iov_len) return static_cast<const char*>(iov[i].iov_base)[at] == '-';
        at -= iov[i].iov_len;
    }
    return false;
}

// Redis 7.0's shared.bgsaveerr, word for word.
constexpr const char* kMisconfError =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to "
    "disk. Commands that may modify the data set are disabled, because this instance is "
    "configured to report errors during writes if RDB snapshotting fails "
    "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the "
    "RDB error.";

}  // namespace

void Server::process_input(Client& c) {
    if (c.is_closing() || c.has_flag(kClientCloseAfterReply)) return;
    net::Connection& conn = c.conn();
    if (c.has_flag(kClientMaster)) replica_.note_master_io(unix_ms());
    resp::ParserLimits limits;
    limits.max_bulk_len = cfg().proto_max_bulk_len;
    limits.max_multibulk_len = INT_MAX;
    limits.authenticated = c.authenticated;

    while (conn.read_size() > 0 && !c.is_closing()) {
        if (c.has_flag(kClientPausedByCommand | kClientPausedOutput | kClientCloseAfterReply |
                       kClientBlocked)) {
            break;
        }
        resp::ParseStatus st = c.parser.parse(conn.read_data(), conn.read_size(), limits);
        if (st == resp::ParseStatus::NeedMore) {
            if (!check_query_limits(c)) return;
            size_t need = c.parser.bytes_needed();
            if (need > conn.input_capacity()) conn.reserve_input(need);
            break;
        }
        if (st == resp::ParseStatus::Error) {
            std::string msg = "ERR " + c.parser.error();
            resp::Reply(conn.out(), c.proto).error(msg);
            LOG_VERBOSE("Protocol error (%s) from client: %s", c.parser.error().c_str(),
                        c.describe(unix_ms()).c_str());
            c.parser.reset();
            c.set_flag(kClientCloseAfterReply);
            conn.pause_reading();
            break;
        }
        if (c.parser.argc() == 0) {
            conn.consume_input(c.parser.consumed());
            continue;
        }
        execute(c, c.parser.args());
        if (blocking_.has_ready()) serve_ready_keys();
        if (c.has_flag(kClientPausedByCommand)) {
            c.parser.reset();  // the command stays in the buffer and is parsed again later
            break;
        }
        if (c.is_closing()) return;
        if (c.has_flag(kClientMaster)) {
            discard_.clear();
            repl_.feed_raw(std::string_view(conn.read_data(), c.parser.consumed()));
        }
        conn.consume_input(c.parser.consumed());
        if (c.has_flag(kClientBlocked)) {
            // A client blocked on keys keeps being read (not parsed), so that its disconnect is
            // seen and its wait cancelled, as Redis does.
            if (blocking_.find(c.id()) == nullptr) conn.pause_reading();
            break;
        }
        if (conn.out().size() >= kOutputPauseBytes && !c.has_flag(kClientReplica)) {
            enforce_output_limits(c, unix_ms());
            if (c.is_closing()) return;
            if (conn.out().size() >= output_pause_threshold()) {
                c.set_flag(kClientPausedOutput);
                conn.pause_reading();
            }
        }
    }
    if (!conn.out().empty() || c.has_flag(kClientCloseAfterReply)) add_pending_write(c);
}

size_t Server::output_pause_threshold() const {
    // With a configured limit the client keeps being served until the limit closes it, as in
    // Redis (operators rely on that signal); without one, reading pauses instead, so memory
    // stays bounded by kOutputPauseBytes per client. A soft-only limit pauses just past the
    // soft size, where the cron closes the client after soft-seconds.
    const auto& lim = cfg().client_output_buffer_limit[0];
    if (lim.hard_bytes > 0) return SIZE_MAX;
    if (lim.soft_bytes > 0) {
        return std::max(kOutputPauseBytes, static_cast<size_t>(lim.soft_bytes) + 1);
    }
    return kOutputPauseBytes;
}

bool Server::check_query_limits(Client& c) {
    size_t limit = static_cast<size_t>(cfg().client_query_buffer_limit);
    if (c.conn().read_size() > limit || c.parser.bytes_needed() > limit + 2) {
        LOG_WARNING("Closing client that reached max query buffer length: %s",
                    c.describe(unix_ms()).c_str());
        stats_.client_qbuf_limit_disconnections++;
        c.close();
        return false;
    }
    return true;
}

cluster::RouteResult Server::route(Client& c, const std::vector<std::string_view>& args,
                                   const std::vector<int>& key_indexes, bool is_write,
                                   const CommandDef* cmd, bool asking) {
    cluster::RouteQuery q;
    q.args = &args;
    q.key_indexes = &key_indexes;
    q.is_write = is_write;
    q.asking_flag_command = cmd != nullptr && (cmd->flags & kCmdAsking) != 0;
    q.migrate_command = cmd != nullptr && cmd == migrate_cmd_;
    q.client_asking = asking;
    q.client_readonly = c.has_flag(kClientReadonly);
    q.allow_reads_when_down = cfg().cluster_allow_reads_when_down;
    // The pub/sub commands with keys are exactly the sharded ones (their keys are channels).
    q.pubsubshard = cmd != nullptr && (cmd->flags & kCmdPubsub) && cmd->first_key > 0;
    q.allow_pubsubshard_when_down = cfg().cluster_allow_pubsubshard_when_down;
    keyspace::Db& db0 = keyspace_.db(0);
    int64_t now = c.last_interaction_ms;
    q.key_exists = [&db0, now](std::string_view key, int slot) {
        return db0.lookup(key, static_cast<uint16_t>(slot), now, keyspace::kLookupNoTouch) !=
               nullptr;
    };
    return cluster::route_command(cluster_->state(), q);
}

bool Server::reject_by_cluster(Client& c, const CommandDef& cmd,
                               const std::vector<std::string_view>& args, resp::Reply& reply) {
    // ASKING lasts for exactly one command (Redis' resetClient).
    bool asking = c.has_flag(kClientAsking);
    if (&cmd != asking_cmd_) c.clear_flag(kClientAsking);
    if (&cmd == exec_cmd_ && c.multi) return reject_exec_by_cluster(c, asking, reply);
    bool has_keys = cmd.first_key > 0 || (cmd.flags & kCmdMovableKeys);
    if (!has_keys) return false;
    if (!CommandTable::get_keys(cmd, args, &key_idx_) || key_idx_.empty()) return false;
    cluster::RouteResult r = route(c, args, key_idx_, (cmd.flags & kCmdWrite) != 0, &cmd, asking);
    if (r.route == cluster::Route::Here) return false;
    std::string addr = r.node ? cluster_->redirect_address(r.node) : std::string();
    reply.error(cluster::route_error(r, addr));
    return true;
}

// EXEC routes the keys of every queued command together, as Redis' getNodeByQuery does over
// the MULTI state: keys of different commands in different slots, or a slot that moved since
// they were queued, abort the transaction.
bool Server::reject_exec_by_cluster(Client& c, bool asking, resp::Reply& reply) {
    std::vector<std::string_view> keys;
    std::vector<std::string_view> args;
    bool is_write = false;
    for (const auto& argv : c.multi->commands) {
        args.assign(argv.begin(), argv.end());
        const CommandDef* cmd = commands_.find(args[0]);
        if (cmd != nullptr && !cmd->subcommands.empty() && args.size() >= 2) {
            cmd = commands_.resolve(cmd, args);
        }
        if (cmd == nullptr || !(cmd->first_key > 0 || (cmd->flags & kCmdMovableKeys))) continue;
        is_write = is_write || (cmd->flags & kCmdWrite) != 0;
        if (!CommandTable::get_keys(*cmd, args, &key_idx_)) continue;
        for (int i : key_idx_) keys.push_back(argv[static_cast<size_t>(i)]);
    }
    if (keys.empty()) return false;
    std::vector<int> idx(keys.size());
    for (size_t i = 0; i < idx.size(); i++) idx[i] = static_cast<int>(i);
    cluster::RouteResult r = route(c, keys, idx, is_write, nullptr, asking);
    if (r.route == cluster::Route::Here) return false;
    std::string addr = r.node ? cluster_->redirect_address(r.node) : std::string();
    discard_transaction(c);
    reply.error("EXECABORT Transaction discarded because of: " + cluster::route_error(r, addr));
    return true;
}

bool Server::must_wait_for_pause(const CommandDef& cmd) const {
    if (pause_kind_ == PauseKind::None) return false;
    if (pause_kind_ == PauseKind::All) return true;
    return (cmd.flags & (kCmdWrite | kCmdMayReplicate)) != 0;
}

bool Server::reject_before_call(Client& c, const CommandDef& cmd,
                                const std::vector<std::string_view>& args, resp::Reply& reply) {
    int argc = static_cast<int>(args.size());
    if ((cmd.arity > 0 && argc != cmd.arity) || argc < -cmd.arity) {
        reply.error("ERR wrong number of arguments for '" + cmd.name + "' command");
        return true;
    }
    if (!c.authenticated && !(cmd.flags & kCmdNoAuth)) {
        reply.error(err_text(Err::NoAuth));
        return true;
    }
    // MIGRATE and WAIT answer later, which an EXEC cannot wait for (Redis runs both inside
    // MULTI, blocking the server for MIGRATE); they are refused like no_multi commands.
    if (c.multi && ((cmd.flags & kCmdNoMulti) || &cmd == migrate_cmd_ || &cmd == wait_cmd_)) {
        reply.error("ERR Command not allowed inside a transaction");
        return true;
    }
    return false;
}

bool Server::reject_by_disk_error(const CommandDef& cmd, resp::Reply& reply) {
    // Redis refuses PING too: a health check must see that the instance cannot persist.
    if (!snapshotter_->writes_blocked() || !((cmd.flags & kCmdWrite) || &cmd == ping_cmd_)) {
        return false;
    }
    reply.error(kMisconfError);
    return true;
}

void Server::execute(Client& c, const std::vector<std::string_view>& args) {
    bool from_master = c.has_flag(kClientMaster);
    resp::Reply reply(from_master ? discard_ : c.conn().out(), c.proto);
    c.last_interaction_ms = unix_ms();
    const CommandDef* cmd = commands_.find(args[0]);
    if (!cmd) {
        stats_.error_replies++;
        flag_transaction(c);
        reply.error(unknown_command_error(args));
        return;
    }
    if (!cmd->subcommands.empty() && args.size() >= 2) {
        const CommandDef* sub = commands_.resolve(cmd, args);
        if (!sub) {
            stats_.error_replies++;
            flag_transaction(c);
            reply.error("ERR unknown subcommand '" + std::string(args[1].substr(0, 128)) +
                        "'. Try " + upper(args[0]) + " HELP.");
            return;
        }
        cmd = sub;
    }
    if (reject_before_call(c, *cmd, args, reply)) {
        reject(c, *cmd);
        return;
    }
    if (from_master) {
        call(c, *cmd, args, reply);
        return;
    }
    // Before routing, so that a waiting command keeps its ASKING for when it runs.
    if (!held_keys_.empty() && must_wait_for_held_keys(c, *cmd, args)) {
        wait_for_held_keys(c);
        return;
    }
    if (cluster_ && reject_by_cluster(c, *cmd, args, reply)) {
        reject(c, *cmd);
        return;
    }
    if (must_wait_for_pause(*cmd)) {
        c.set_flag(kClientPausedByCommand);
        c.conn().pause_reading();
        paused_.push_back(&c);
        return;
    }
    if (reject_by_disk_error(*cmd, reply) || reject_by_replication(c, *cmd, reply)) {
        reject(c, *cmd);
        return;
    }
    if (cfg().maxmemory > 0) {
        auto evicted = keyspace_.evict_if_needed(c.last_interaction_ms);
        if (!evicted.ok() && (cmd->flags & kCmdDenyOom)) {
            reject(c, *cmd);
            reply.error(err_text(Err::Oom));
            return;
        }
    }
    if (c.proto == 2 && c.is_subscribed() && !allowed_when_subscribed(*cmd)) {
        reject(c, *cmd);
        reply.error("ERR Can't execute '" + cmd->name +
                    "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
                    "in this context");
        return;
    }
    if (c.multi && !is_transaction_control(*cmd)) {
        // A transaction already doomed by a touched key keeps no copies (Redis'
        // queueMultiCommand); it still answers +QUEUED.
        if (!c.watch.dirty) c.multi->commands.emplace_back(args.begin(), args.end());
        reply.simple("QUEUED");
        return;
    }
    call(c, *cmd, args, reply);
}

void Server::reject(Client& c, const CommandDef& cmd) {
    cmd.rejected_calls++;
    stats_.error_replies++;
    flag_transaction(c);
}

bool Server::allowed_when_subscribed(const CommandDef& cmd) const {
    // (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE are the pubsub commands flagged noscript.
    return ((cmd.flags & kCmdPubsub) && (cmd.flags & kCmdNoscript)) || &cmd == ping_cmd_ ||
           &cmd == quit_cmd_ || &cmd == reset_cmd_;
}

bool Server::is_transaction_control(const CommandDef& cmd) const {
    return &cmd == exec_cmd_ || &cmd == discard_cmd_ || &cmd == multi_cmd_ ||
           &cmd == quit_cmd_ || &cmd == reset_cmd_ || &cmd == watch_cmd_;
}

void Server::discard_transaction(Client& c) {
    c.multi.reset();
    unwatch_all(c);
}

void Server::run_transaction(Client& c, resp::Reply& reply) {
    // Redis' order: an expired watched key marks the client dirty, then a refused command
    // (EXECABORT) wins over a touched key (null array).
    if (!c.watch.keys.empty() && watches_.any_expired(c.watch, keyspace_, c.last_interaction_ms)) {
        c.watch.dirty = true;
    }
    std::unique_ptr<Client::MultiState> ms = std::move(c.multi);
    bool touched = c.watch.dirty;
    unwatch_all(c);
    if (ms->dirty) {
        reply.error("EXECABORT Transaction discarded because of previous errors.");
        return;
    }
    if (touched) {
        reply.null_array();
        return;
    }
    reply.array(ms->commands.size());
    in_exec_ = true;
    exec_multi_propagated_ = false;
    std::vector<std::string_view> args;
    for (const auto& argv : ms->commands) {
        args.assign(argv.begin(), argv.end());
        const CommandDef* cmd = commands_.find(args[0]);
        if (cmd != nullptr && !cmd->subcommands.empty() && args.size() >= 2) {
            cmd = commands_.resolve(cmd, args);
        }
        if (cmd == nullptr) {  // resolved when queued; only a renamed command could miss
            reply.error(unknown_command_error(args));
            continue;
        }
        call(c, *cmd, args, reply);
    }
    in_exec_ = false;
    if (exec_multi_propagated_) {
        repl_.propagate(exec_db_, std::vector<std::string_view>{"EXEC"});
    }
}

void Server::call(Client& c, const CommandDef& cmd, const std::vector<std::string_view>& args,
                  resp::Reply& reply) {
    int32_t slot = -1;
    if (cmd.first_key > 0 && static_cast<size_t>(cmd.first_key) < args.size()) {
        slot = key_slot(args[static_cast<size_t>(cmd.first_key)]);
    }
    CommandContext ctx{*this, c, args, reply, keyspace_.db(c.db), c.last_interaction_ms, slot};
    size_t out_before = reply.buffer().size();
    c.last_cmd = &cmd;  // CLIENT LIST shows the command being run, as Redis sets lastcmd first
    int64_t t0 = monotonic_us();
    cmd.handler(ctx);
    int64_t dur = monotonic_us() - t0;
    if (!blocking_.empty() && ctx.dirty > 0 && (cmd.flags & kCmdWrite)) {
        note_written_keys(cmd, args, ctx.db.id());
    }

    cmd.calls++;
    cmd.usec += static_cast<uint64_t>(dur);
    stats_.commands_processed++;
    stats_.dirty += static_cast<uint64_t>(ctx.dirty);
    c.commands_processed++;
    if (!watches_.empty() && ctx.dirty > 0 && (cmd.flags & kCmdWrite) && !ctx.keys_signalled) {
        signal_written_keys(cmd, args, ctx);
    }
    // force_propagate also carries the non-write commands Redis forces to replicas (PUBLISH,
    // SPUBLISH outside cluster mode).
    if ((ctx.dirty > 0 || ctx.force_propagate) &&
        ((cmd.flags & kCmdWrite) || ctx.force_propagate) &&
        !c.has_flag(kClientMaster) && repl_.is_feeding()) {
        // EXEC's writes reach replicas as one MULTI ... EXEC, opened by the first of them.
        if (in_exec_ && !exec_multi_propagated_) {
            repl_.propagate(ctx.db.id(), std::vector<std::string_view>{"MULTI"});
            exec_multi_propagated_ = true;
        }
        propagate(c, cmd, ctx);
        exec_db_ = ctx.db.id();
    }
    // An error reply starts with '-' right where this command's reply began.
    if (reply_starts_with_error(reply.buffer(), out_before)) {
        cmd.failed_calls++;
        stats_.error_replies++;
    }
    if (!(cmd.flags & kCmdSkipSlowlog)) {
        slowlog_.maybe_add(args, dur, cfg().slowlog_log_slower_than,
                           static_cast<size_t>(cfg().slowlog_max_len), c.conn().peer_addr(),
                           c.name, c.last_interaction_ms / 1000);
    }
}

// The generic "touched key" signal: every key argument of a write that changed something,
// in the db it ran on. It may name keys the command only read (SUNIONSTORE's sources) or
// left alone (DEL of a missing key): such a watcher's EXEC fails where Redis' would not,
// never the reverse. Handlers that know better signal themselves (ctx.keys_signalled).
void Server::signal_written_keys(const CommandDef& cmd, const std::vector<std::string_view>& args,
                                 const CommandContext& ctx) {
    if (!(cmd.first_key > 0 || (cmd.flags & kCmdMovableKeys))) return;
    if (!CommandTable::get_keys(cmd, args, &key_idx_)) return;
    for (int i : key_idx_) watches_.touch(ctx.db, args[static_cast<size_t>(i)]);
}

void Server::watch_key(Client& c, std::string_view key) {
    keyspace::Db& db = keyspace_.db(c.db);
    const keyspace::Entry* e = db.find(key, key_slot(key));
    bool expired = e != nullptr && keyspace::Db::is_expired(e, c.last_interaction_ms);
    watches_.watch(c.watch, c.db, key, expired);
}

void Server::unwatch_all(Client& c) {
    watches_.unwatch_all(c.watch);
    c.watch.dirty = false;
}

void Server::signal_modified_key(int db, std::string_view key) {
    if (!watches_.empty()) watches_.touch(keyspace_.db(db), key);
}

void Server::signal_flushed_db(int db) {
    if (!watches_.empty()) watches_.touch_all(db, keyspace_.db(db), nullptr, unix_ms());
}

void Server::signal_swapdb(int a, int b) {
    if (watches_.empty()) return;
    int64_t now = unix_ms();
    watches_.touch_all(a, keyspace_.db(a), &keyspace_.db(b), now);
    watches_.touch_all(b, keyspace_.db(b), &keyspace_.db(a), now);
}

}  // namespace slotcache::server
