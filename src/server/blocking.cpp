// Clients blocked on keys: the bookkeeping (BlockingKeys, blocking.h) and the Server's side —
// blocking a command, serving ready keys, timeouts, CLIENT UNBLOCK, and the forced unblocks
// Redis 7.0 does (blocked.c, cluster.c clusterRedirectBlockedClientIfNeeded, replication.c
// disconnectAllBlockedClients):
//
//   1. A write command with dirty > 0 marks each of its keys that has waiters ready
//      (note_written_keys from Server::call; nothing at all when no client is blocked).
//   2. After the top-level command (process_input) the ready keys are served in the order they
//      became ready; each key is offered to its waiters oldest first until it is empty. A
//      served command is propagated in the form its ServeFn chose (BLPOP -> LPOP, ...), and
//      the keys that form writes become ready in turn (a BLMOVE feeding another waiter).
//   3. A served client's pipelined input is processed before the loop sleeps
//      (process_unblocked_clients), never from inside another client's command.
//   4. Timeouts are checked before sleeping and in the cron, so their resolution is the cron
//      period at worst, as in Redis (where the poll timeout is also bounded by hz).
//   5. Cluster mode: a client whose key's slot is no longer served here (and is not being
//      imported) gets -MOVED slot ip:port (unassigned: CLUSTERDOWN Hash slot not served); a
//      failed cluster gives CLUSTERDOWN The cluster is down. Checked in the cron.
//   6. Becoming a replica: every blocked client gets "-UNBLOCKED force unblock from blocking
//      operation, instance state changed (master -> replica?)" and is closed after the reply.
//
// Loop thread only.
#include <algorithm>
#include <cstring>

#include "common/clock.h"
#include "common/crc16.h"
#include "server/server.h"

namespace slotcache::server {

// ---- BlockingKeys ---------------------------------------------------------------------------

std::string BlockingKeys::composite(int db, std::string_view key) {
    std::string s;
    s.reserve(key.size() + 4);
    s.append(reinterpret_cast<const char*>(&db), sizeof(db));
    s.append(key);
    return s;
}

void BlockingKeys::add(std::unique_ptr<BlockedCommand> b) {
    for (const std::string& k : b->keys) {
        std::deque<uint64_t>& q = by_key_[composite(b->db, k)];
        // BLPOP k k: one place in the queue.
        if (std::find(q.begin(), q.end(), b->client_id) == q.end())
            q.push_back(b->client_id);
    }
    uint64_t id = b->client_id;
    clients_[id] = std::move(b);
}

std::unique_ptr<BlockedCommand> BlockingKeys::remove(uint64_t client_id) {
    auto it = clients_.find(client_id);
    if (it == clients_.end())
        return nullptr;
    std::unique_ptr<BlockedCommand> b = std::move(it->second);
    clients_.erase(it);
    for (const std::string& k : b->keys) {
        auto q = by_key_.find(composite(b->db, k));
        if (q == by_key_.end())
            continue;
        auto pos = std::find(q->second.begin(), q->second.end(), client_id);
        if (pos != q->second.end())
            q->second.erase(pos);
        if (q->second.empty())
            by_key_.erase(q);
    }
    return b;
}

BlockedCommand* BlockingKeys::find(uint64_t client_id) {
    auto it = clients_.find(client_id);
    return it == clients_.end() ? nullptr : it->second.get();
}

std::vector<uint64_t> BlockingKeys::waiters(int db, std::string_view key) const {
    auto it = by_key_.find(composite(db, key));
    if (it == by_key_.end())
        return {};
    return {it->second.begin(), it->second.end()};
}

bool BlockingKeys::has_waiters(int db, std::string_view key) const {
    return by_key_.find(composite(db, key)) != by_key_.end();
}

void BlockingKeys::signal(int db, std::string_view key) {
    std::string c = composite(db, key);
    if (by_key_.find(c) == by_key_.end())
        return;
    if (!ready_set_.insert(c).second)
        return;
    ready_.emplace_back(db, std::string(key));
}

void BlockingKeys::signal_db(int db) {
    std::vector<std::string> keys;
    for (const auto& [c, q] : by_key_) {
        int kdb;
        memcpy(&kdb, c.data(), sizeof(kdb));
        if (kdb == db) keys.push_back(c.substr(sizeof(kdb)));
    }
    for (const std::string& k : keys) signal(db, k);
}

std::vector<std::pair<int, std::string>> BlockingKeys::take_ready() {
    std::vector<std::pair<int, std::string>> r;
    r.swap(ready_);
    ready_set_.clear();
    return r;
}

std::vector<uint64_t> BlockingKeys::all() const {
    std::vector<uint64_t> ids;
    ids.reserve(clients_.size());
    for (const auto& [id, b] : clients_)
        ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    return ids;
}

size_t BlockingKeys::with_deadline() const {
    size_t n = 0;
    for (const auto& [id, b] : clients_) n += b->deadline_ms != 0 ? 1 : 0;
    return n;
}

int64_t BlockingKeys::next_deadline() const {
    int64_t best = 0;
    for (const auto& [id, b] : clients_) {
        if (b->deadline_ms != 0 && (best == 0 || b->deadline_ms < best))
            best = b->deadline_ms;
    }
    return best;
}

// ---- Server ---------------------------------------------------------------------------------

void Server::block_on_keys(CommandContext& ctx, const std::vector<std::string_view>& keys,
                           int64_t deadline_ms, ServeFn serve, TimeoutReply on_timeout) {
    auto b = std::make_unique<BlockedCommand>();
    b->client_id = ctx.client.id();
    b->db = ctx.db.id();
    b->cmd = ctx.client.last_cmd;
    b->args.assign(ctx.args.begin(), ctx.args.end());
    b->keys.assign(keys.begin(), keys.end());
    b->deadline_ms = deadline_ms;
    b->serve = serve;
    b->on_timeout = on_timeout;
    blocking_.add(std::move(b));
    ctx.client.set_flag(kClientBlocked);
}

size_t Server::clients_in_timeout_table() const {
    size_t n = blocking_.with_deadline();
    for (const Waiter& w : waiters_) n += w.deadline_ms != 0 ? 1 : 0;
    return n;
}

void Server::note_written_keys(const CommandDef& cmd, const std::vector<std::string_view>& args,
                               int db) {
    std::vector<int> idx;
    if (!CommandTable::get_keys(cmd, args, &idx))
        return;
    for (int i : idx)
        blocking_.signal(db, args[static_cast<size_t>(i)]);
}

void Server::note_written_keys(const std::vector<std::string>& argv, int db) {
    const CommandDef* cmd = commands_.find(argv[0]);
    if (cmd == nullptr)
        return;
    std::vector<std::string_view> args(argv.begin(), argv.end());
    note_written_keys(*cmd, args, db);
    // A served pop changes its keys as the command itself would have: WATCH sees it too.
    if (!watches_.empty() && CommandTable::get_keys(*cmd, args, &key_idx_)) {
        for (int i : key_idx_) watches_.touch(keyspace_.db(db), args[static_cast<size_t>(i)]);
    }
}

void Server::serve_ready_keys() {
    // Serving may make more keys ready (BLMOVE into a waited-for list): loop until quiet.
    while (blocking_.has_ready()) {
        for (const auto& [db, key] : blocking_.take_ready())
            serve_key(db, key);
    }
}

void Server::serve_key(int db, const std::string& key) {
    keyspace::Db& d = keyspace_.db(db);
    uint16_t slot = key_slot(key);
    for (uint64_t id : blocking_.waiters(db, key)) {
        BlockedCommand* b = blocking_.find(id);
        Client* c = find_client(id);
        if (b == nullptr)
            continue;
        if (c == nullptr || c->is_closing()) {
            blocking_.remove(id);
            continue;
        }
        if (d.find(key, slot) == nullptr)
            return;  // emptied by the waiters before
        std::vector<std::string_view> args(b->args.begin(), b->args.end());
        resp::Reply reply(c->conn().out(), c->proto);
        CommandContext ctx{*this, *c, args, reply, d, unix_ms(), -1};
        if (!b->serve(ctx, key))
            continue;
        std::unique_ptr<BlockedCommand> done = blocking_.remove(id);
        stats_.dirty += static_cast<uint64_t>(ctx.dirty);
        if (ctx.dirty > 0 && done->cmd != nullptr && repl_.is_feeding()) {
            propagate(*c, *done->cmd, ctx);
        }
        if (ctx.dirty > 0) {
            if (ctx.rewritten.empty()) {
                note_written_keys(done->args, db);
            } else {
                note_written_keys(ctx.rewritten, db);
            }
        }
        finish_unblock(*c);
    }
}

void Server::finish_unblock(Client& c) {
    c.clear_flag(kClientBlocked);
    c.conn().resume_reading();
    add_pending_write(c);
    unblocked_.push_back(c.id());
}

void Server::process_unblocked_clients() {
    std::vector<uint64_t> ids;
    ids.swap(unblocked_);
    for (uint64_t id : ids) {
        Client* c = find_client(id);
        if (c == nullptr || c->is_closing() || c->has_flag(kClientBlocked))
            continue;
        process_input(*c);
    }
}

bool Server::unblock_on_request(uint64_t client_id, bool error) {
    std::unique_ptr<BlockedCommand> b = blocking_.remove(client_id);
    if (b == nullptr)
        return false;
    Client* c = find_client(client_id);
    if (c == nullptr)
        return true;
    resp::Reply reply(c->conn().out(), c->proto);
    if (error) {
        reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
    } else if (b->on_timeout == TimeoutReply::NullArray) {
        reply.null_array();
    } else {
        reply.null();
    }
    finish_unblock(*c);
    return true;
}

void Server::unblock_all_blocked(std::string_view error, bool close_after) {
    for (uint64_t id : blocking_.all()) {
        blocking_.remove(id);
        Client* c = find_client(id);
        if (c == nullptr || c->is_closing())
            continue;
        resp::Reply(c->conn().out(), c->proto).error(error);
        if (close_after)
            c->set_flag(kClientCloseAfterReply);
        finish_unblock(*c);
    }
}

void Server::check_blocked_clients(int64_t now_ms) {
    if (blocking_.empty())
        return;
    for (uint64_t id : blocking_.all()) {
        BlockedCommand* b = blocking_.find(id);
        Client* c = find_client(id);
        if (b == nullptr)
            continue;
        if (c == nullptr || c->is_closing()) {
            blocking_.remove(id);
            continue;
        }
        std::string error;
        if (cluster_ && !b->keys.empty()) {
            const cluster::ClusterState& st = cluster_->state();
            int slot = key_slot(b->keys[0]);
            const cluster::Node* owner = st.slot_owner(slot);
            if (!st.is_ok()) {
                error = "CLUSTERDOWN The cluster is down";
            } else if (owner != cluster_->myself() &&
                       st.importing_from[static_cast<size_t>(slot)] == nullptr) {
                error = owner == nullptr ? "CLUSTERDOWN Hash slot not served"
                                         : "MOVED " + std::to_string(slot) + " " +
                                               cluster_->redirect_address(owner);
            }
        }
        if (!error.empty()) {
            blocking_.remove(id);
            resp::Reply(c->conn().out(), c->proto).error(error);
            finish_unblock(*c);
            continue;
        }
        if (b->deadline_ms != 0 && now_ms >= b->deadline_ms) {
            TimeoutReply t = b->on_timeout;
            blocking_.remove(id);
            resp::Reply reply(c->conn().out(), c->proto);
            t == TimeoutReply::NullArray ? reply.null_array() : reply.null();
            finish_unblock(*c);
        }
    }
}

}  // namespace slotcache::server
