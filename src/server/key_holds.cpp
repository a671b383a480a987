// Keys held by a MIGRATE in flight, and the clients that wait for them (see server.h and
// commands/migrate.cpp for why holding them makes the asynchronous MIGRATE atomic).
//
// A waiting client is parked like a CLIENT PAUSE one (kClientPausedByCommand, reading paused,
// the command left unconsumed in its buffer), in its own list, and parsed again from the
// start when keys are released: the command then goes through routing again and, its key
// gone from a migrating slot, gets -ASK. Keys are compared by name in every db: a command
// that names a held key in another db waits too, which is rare and keeps the check one hash
// lookup per key.
//
// Loop thread only.
#include "server/server.h"

namespace slotcache::server {

void Server::hold_keys(const std::vector<std::string>& keys) {
    for (const auto& k : keys) held_keys_[k]++;
}

void Server::release_keys(const std::vector<std::string>& keys) {
    for (const auto& k : keys) {
        auto it = held_keys_.find(k);
        if (it != held_keys_.end() && --it->second == 0) held_keys_.erase(it);
    }
    // Everyone waiting tries again: a command that still names a held key parks again.
    std::vector<Client*> waiting;
    waiting.swap(key_waiters_);
    for (Client* c : waiting) {
        if (c == nullptr || c->is_closing()) continue;
        c->clear_flag(kClientPausedByCommand);
        c->conn().resume_reading();
        process_input(*c);
    }
}

bool Server::must_wait_for_held_keys(Client& c, const CommandDef& cmd,
                                     const std::vector<std::string_view>& args) {
    // EXEC runs its queued commands without coming back here: it waits for all their keys.
    if (&cmd == exec_cmd_ && c.multi) {
        std::vector<std::string_view> queued;
        for (const auto& argv : c.multi->commands) {
            queued.assign(argv.begin(), argv.end());
            const CommandDef* q = commands_.find(queued[0]);
            if (q != nullptr && !q->subcommands.empty() && queued.size() >= 2) {
                q = commands_.resolve(q, queued);
            }
            if (q != nullptr && must_wait_for_held_keys(c, *q, queued)) return true;
        }
        return false;
    }
    bool has_keys = cmd.first_key > 0 || (cmd.flags & kCmdMovableKeys);
    // FLUSHALL, FLUSHDB, SWAPDB would pull a value out from under the exchange.
    if (!has_keys) return (cmd.flags & kCmdWrite) != 0;
    if (!CommandTable::get_keys(cmd, args, &key_idx_)) return false;
    for (int i : key_idx_) {
        if (held_keys_.find(args[static_cast<size_t>(i)]) != held_keys_.end()) return true;
    }
    return false;
}

void Server::wait_for_held_keys(Client& c) {
    c.set_flag(kClientPausedByCommand);
    c.conn().pause_reading();
    key_waiters_.push_back(&c);
}

void Server::unblock_client(Client& c) {
    c.clear_flag(kClientBlocked);
    c.conn().resume_reading();
    add_pending_write(c);
    process_input(c);
}

}  // namespace slotcache::server
