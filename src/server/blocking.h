// Clients blocked on keys (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP; BZPOPMIN BZPOPMAX BZMPOP plug
// in the same way): who waits for which (db, key), in arrival order, and which keys became
// ready since they were last served.
//
// Approach (Redis 7.0's blocked.c): a blocked command keeps a copy of its arguments and a
// per-command ServeFn. A write command that changed a key somebody waits for marks the key
// ready (Server::call checks this only when blocked_count() > 0, so it costs nothing when no
// client is blocked). After each top-level command the server walks the ready keys in the order
// they became ready, and for each key offers it to its waiters in FIFO order: ServeFn re-runs
// the command's work on that one key and says whether it replied. The first client blocked on a
// key is served first (fairness), and a served BLMOVE that pushes into another waited-for key
// makes that key ready in turn.
//
// This class is the bookkeeping only (no I/O, unit-testable); Server (blocking.cpp) does the
// serving, timeouts, replies and unblocking.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace slotcache::server {

struct CommandContext;
struct CommandDef;

// Tries to serve a blocked command now that `key` (in ctx.db) may hold data. ctx.args are the
// stored arguments; replies go to the blocked client. Returns true when it replied (and set
// ctx.dirty / ctx.rewritten for propagation), false to keep the client blocked.
using ServeFn = bool (*)(CommandContext& ctx, std::string_view key);

// What a blocked command replies on timeout: BLPOP/BRPOP/BLMPOP/BZPOP* a null array,
// BLMOVE/BRPOPLPUSH a null bulk.
enum class TimeoutReply : uint8_t { NullArray, NullBulk };

struct BlockedCommand {
    uint64_t client_id = 0;
    int db = 0;
    const CommandDef* cmd = nullptr;
    std::vector<std::string> args;  // copied: the read buffer moves on
    std::vector<std::string> keys;
    int64_t deadline_ms = 0;  // 0: never
    ServeFn serve = nullptr;
    TimeoutReply on_timeout = TimeoutReply::NullArray;
};

class BlockingKeys {
public:
    size_t blocked_count() const { return clients_.size(); }
    bool empty() const { return clients_.empty(); }
    bool has_ready() const { return !ready_.empty(); }

    // Registers b (its keys, FIFO position on each). A client blocks at most once.
    void add(std::unique_ptr<BlockedCommand> b);
    // Removes the client's registration; nullptr when it was not blocked.
    std::unique_ptr<BlockedCommand> remove(uint64_t client_id);
    BlockedCommand* find(uint64_t client_id);
    // The clients waiting on (db, key), oldest first (a copy: serving changes the queue).
    std::vector<uint64_t> waiters(int db, std::string_view key) const;
    bool has_waiters(int db, std::string_view key) const;

    // Marks (db, key) ready when somebody waits for it and it is not marked already.
    void signal(int db, std::string_view key);
    // Marks every waited-for key of db ready (SWAPDB).
    void signal_db(int db);
    // The ready keys in the order they were signalled; clears the list.
    std::vector<std::pair<int, std::string>> take_ready();

    // Every blocked client id (timeouts, role change, slot checks).
    std::vector<uint64_t> all() const;
    // How many blocked clients have a deadline (INFO clients_in_timeout_table).
    size_t with_deadline() const;
    // The earliest deadline, 0 when none.
    int64_t next_deadline() const;

private:
    static std::string composite(int db, std::string_view key);

    std::unordered_map<uint64_t, std::unique_ptr<BlockedCommand>> clients_;
    std::unordered_map<std::string, std::deque<uint64_t>> by_key_;
    std::vector<std::pair<int, std::string>> ready_;
    std::unordered_set<std::string> ready_set_;
};

}  // namespace slotcache::server
