// OpArgs: what an op_* function of the string and key families works on — one database, the
// command's clock reading, and where keyspace hits and misses are counted. Handlers build it
// from the CommandContext (op_args(ctx)); unit tests build it around a bare keyspace::Db.
//
// Why a separate layer: the data work (op_*) is testable without a Server, a Client or a
// socket, and the handlers stay a thin parse -> op -> reply -> propagate sequence (Dragonfly's
// OpArgs / cmd_* split).
//
// lookup_flags is OR-ed into every lookup made through the two doors: kLookupNoExpire when
// the command comes from this replica's master, whose stream must see keys as the master does
// (Redis 7.0's expireIfNeeded never expires a key for the master client), so an INCR or DEL
// from the master acts on a key that merely looks expired here.
//
// Keyspace statistics follow Redis 7.0's lookupKey: reads (lookupKeyRead*) count a hit or a
// miss, writes (lookupKeyWrite) count nothing. lookup_read / lookup_write are the two doors.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <string_view>

#include "keyspace/keyspace.h"
#include "server/stats.h"

namespace slotcache::commands {

struct OpArgs {
    keyspace::Db& db;
    int64_t now_ms;
    server::Stats* stats = nullptr;  // keyspace_hits / keyspace_misses; null: not counted
    uint32_t lookup_flags = keyspace::kLookupNone;  // kLookupNoExpire for the master client
};

// INFO's keyspace_hits / keyspace_misses.
inline void note_lookup(const OpArgs& op, bool hit) {
    if (op.stats != nullptr) {
        hit ? op.stats->keyspace_hits++ : op.stats->keyspace_misses++;
    }
}

// A read of key (lookupKeyRead): lazily expires it, counts the hit or miss. nullptr when the
// key is absent or expired. The entry is valid until the Db is next modified.
inline keyspace::Entry* lookup_read(const OpArgs& op, std::string_view key, uint16_t slot,
                                    uint32_t flags = keyspace::kLookupNone) {
    keyspace::Entry* e = op.db.lookup(key, slot, op.now_ms, flags | op.lookup_flags);
    note_lookup(op, e != nullptr);
    return e;
}

// A lookup on behalf of a write (lookupKeyWrite): lazily expires, no statistics.
inline keyspace::Entry* lookup_write(const OpArgs& op, std::string_view key, uint16_t slot) {
    return op.db.lookup(key, slot, op.now_ms, op.lookup_flags);
}

}  // namespace slotcache::commands
