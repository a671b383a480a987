// WATCH: which clients watch which keys, and the "touched key" signal that makes their next
// EXEC fail (Redis 7.0's multi.c, optimistic locking for MULTI/EXEC).
//
// Approach: one map per Db from a watched key to the watchers of that key (Redis'
// db->watched_keys), and in each watcher the list of its (db, key) pairs, so UNWATCH, EXEC and
// a disconnect unlink a client in O(its keys). A watcher touched once is marked dirty and
// unwatches everything at once: nothing further can make it cleaner, and the map shrinks.
//
// Cost when nobody watches: the dispatcher tests empty() (one load) after each write; nothing
// else runs. When someone watches: one hash lookup per key argument of a write that changed the
// dataset, in the Db it ran on (see server/README.md for why the signal is generic).
//
// Redis 7.0's "expired" rule: a key that was already logically expired when WATCHed (still in
// the table: a replica, or not yet reclaimed) remembers it. Its later deletion (expiry, DEL) is
// no logical change and only clears the mark; a key that was live at WATCH and has expired by
// EXEC aborts the EXEC (any_expired). Redis' touchWatchedKey stops the whole walk ("break") at a
// watcher with the mark whose key is present again; we skip only that watcher.
//
// Pure with respect to the server: watchers are plain structs (a Client embeds one) and the
// keyspace is read only for existence and TTLs, so tests/unit/server_watch_test.cpp drives it
// without sockets. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "keyspace/keyspace.h"

namespace slotcache::server {

// The WATCH state of one client.
struct Watcher {
    struct Key {
        int db;
        std::string key;
    };
    std::vector<Key> keys;
    // A watched key was touched (Redis' CLIENT_DIRTY_CAS): the next EXEC answers a null array.
    bool dirty = false;
};

class WatchTable {
public:
    explicit WatchTable(int databases);
    WatchTable(const WatchTable&) = delete;
    WatchTable& operator=(const WatchTable&) = delete;

    // True when no client watches any key: the dispatcher's one test per write.
    bool empty() const { return keys_ == 0; }
    // Total (client, key) pairs, and distinct watched keys per db summed.
    size_t watched_pairs() const { return pairs_; }
    size_t watched_keys() const { return keys_; }

    // WATCH key in db for w. A key w already watches in that db is not added twice. expired:
    // the key is present but logically expired now (Redis' keyIsExpired at WATCH).
    void watch(Watcher& w, int db, std::string_view key, bool expired);
    // UNWATCH, EXEC, DISCARD, disconnect: drops every key of w. Does not clear w.dirty.
    void unwatch_all(Watcher& w);

    // Redis' touchWatchedKey: key in db was modified; whether it is still in the table (an
    // expired-at-WATCH key that got deleted is no change) is looked up only when it matters.
    void touch(const keyspace::Db& db, std::string_view key);
    // The same for a key being deleted (expiry, eviction: it is still in the table now).
    void touch_deleted(int db, std::string_view key);
    // Redis' touchAllWatchedKeysInDb before FLUSHDB / FLUSHALL (replaced_with null) or SWAPDB
    // (replaced_with: the Db whose contents `emptied` is about to receive). Watchers of a key
    // that exists in either are marked dirty, with the expired-key exceptions of Redis 7.0.
    // emptied_db is the index whose watchers are visited.
    void touch_all(int emptied_db, const keyspace::Db& emptied, const keyspace::Db* replaced_with,
                   int64_t now_ms);
    // Redis' isWatchedKeyExpired, checked by EXEC: a key of w that was live at WATCH is now
    // present and past its TTL.
    bool any_expired(const Watcher& w, const keyspace::Keyspace& ks, int64_t now_ms) const;

private:
    struct Ref {
        Watcher* w;
        bool expired;  // logically expired when watched
    };
    struct Hash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using Map = std::unordered_map<std::string, std::vector<Ref>, Hash, std::equal_to<>>;

    void unlink(int db, std::string_view key, const Watcher* w);
    // exists: nullptr means the key is gone, else the Db to look it up in.
    void touch_key(int db, std::string_view key, const keyspace::Db* exists);
    void mark_dirty(const std::vector<Watcher*>& ws);

    std::vector<Map> dbs_;
    size_t keys_ = 0;
    size_t pairs_ = 0;
};

}  // namespace slotcache::server
