// The generic key family's data operations (op_*), separate from parsing, replies and
// propagation (keys.cpp), unit-tested against a real keyspace::Db.
//
// Semantics are Redis 7.0's db.c and expire.c. Reads that Redis does with lookupKeyRead*
// (EXISTS, TYPE, TTL & co, TOUCH, OBJECT, COPY's source, SCAN's TYPE filter) count keyspace
// hits and misses; the others do not.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/key_args.h"
#include "commands/op_args.h"
#include "common/result.h"
#include "keyspace/entry.h"
#include "keyspace/evict.h"

namespace slotcache::commands {

// DEL / UNLINK of args[first..]: the number of keys deleted (a repeated key counts once, an
// expired one not at all). Each key's slot is computed here. lazy: big values are freed on
// the lazy-free thread. deleted, when given, receives the indexes of the deleted keys.
size_t op_del(const OpArgs& op, const std::vector<std::string_view>& args, size_t first,
              bool lazy = false, std::vector<size_t>* deleted = nullptr);
// EXISTS: live keys among args[first..], a repeated key counted each time. No clock update.
size_t op_exists(const OpArgs& op, const std::vector<std::string_view>& args, size_t first);
// TOUCH: like EXISTS, but each found key's LRU/LFU clock is updated.
size_t op_touch(const OpArgs& op, const std::vector<std::string_view>& args, size_t first);
// TYPE: "string", "list", ... or "none".
std::string_view op_type(const OpArgs& op, std::string_view key, uint16_t slot);

enum class ExpireOutcome : uint8_t { NotSet, Set, Deleted };

// EXPIRE family with `when` already absolute (resolve_expire_time). NotSet: no key, or the
// NX/XX/GT/LT condition refused. Deleted: when <= now and may_delete (a master). On a replica
// a past time is stored (negative times as 0, so they cannot collide with the kNoExpire /
// kKeepTtl sentinels) and the key reads as missing until the master's DEL.
ExpireOutcome op_expire(const OpArgs& op, std::string_view key, uint16_t slot, int64_t when,
                        const ExpireCondition& cond, bool may_delete);

// The key's absolute expire time in ms, -1 (kNoExpire) without TTL, -2 when missing.
int64_t op_expire_time(const OpArgs& op, std::string_view key, uint16_t slot);
// TTL (ms false, abs false), PTTL, EXPIRETIME (abs), PEXPIRETIME from op_expire_time's value:
// -2 and -1 pass through, a time already past reads 0, and seconds are rounded to nearest.
long long ttl_reply_value(int64_t expire_at, int64_t now_ms, bool ms, bool abs);

// PERSIST: true when a TTL was removed.
bool op_persist(const OpArgs& op, std::string_view key, uint16_t slot);

enum class RenameOutcome : uint8_t { Renamed, SameKey, DestinationExists };

// RENAME (nx false) / RENAMENX. The value and TTL move to dst; an existing dst is replaced
// (RENAME) or left alone (RENAMENX: DestinationExists). Err::NoSuchKey when src is missing,
// also when src == dst.
Result<RenameOutcome> op_rename(const OpArgs& op, std::string_view src, std::string_view dst,
                                bool nx);

// COPY src (in op.db) to dst in dst_db (which may be op.db), value and TTL. Returns false when
// src is missing, or dst exists and !replace. The caller rejects src == dst in the same db.
bool op_copy(const OpArgs& op, std::string_view src, keyspace::Db& dst_db, std::string_view dst,
             bool replace);

// KEYS: the live keys matching the glob pattern, appended to *out as views into the entries
// (valid until the Db is next modified). Expired keys are skipped, not deleted (Redis 7.0).
void op_keys(const OpArgs& op, std::string_view pattern, std::vector<std::string_view>* out);

// SCAN: one page from cursor. Keys are copied into *out (expired keys met on the way are
// deleted afterwards, which would invalidate views). Returns the next cursor (0: done).
uint64_t op_scan(const OpArgs& op, uint64_t cursor, const ScanOptions& opt,
                 std::vector<std::string>* out);

// RANDOMKEY: a live entry, or nullptr for an empty database.
const keyspace::Entry* op_randomkey(const OpArgs& op);

// OBJECT ENCODING / FREQ / IDLETIME / REFCOUNT read their key with this (no clock update).
const keyspace::Entry* op_object_lookup(const OpArgs& op, std::string_view key, uint16_t slot);

// OBJECT REFCOUNT: Redis shares the integer objects 0..9999 (refcount INT_MAX) unless
// maxmemory is set with an LRU/LFU policy; everything else has refcount 1. Decided from the
// current configuration (Redis decides when the value is created).
long long object_refcount(const keyspace::Entry* e, uint64_t maxmemory,
                          keyspace::EvictionPolicy policy);

}  // namespace slotcache::commands
