// The hash family's data operations (op_*), apart from parsing, replies and propagation (the
// handlers in hashes.cpp), so each command's semantics is unit-tested on a bare keyspace::Db.
//
// Semantics are Redis 7.0's t_hash.c: a hash is created by the first write that adds a field
// and deleted by the write that removes its last one; encoding conversions (listpack ->
// hashtable) are recorded on the entry so OBJECT ENCODING follows. Reads go through
// lookup_read (a keyspace hit or miss), writes through lookup_write.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "commands/op_args.h"
#include "common/result.h"
#include "keyspace/hash.h"

namespace slotcache::commands {

// The live hash at key for a read; nullptr when absent. Err::WrongType. Counts a hit or miss.
// The pointer and views into the hash are valid until the Db is modified.
Result<const keyspace::Hash*> op_hash_read(const OpArgs& op, std::string_view key, uint16_t slot);

// HSET / HMSET: pairs is field, value, field, value, ... (even length, checked by the caller).
// Returns the number of fields added. Err::WrongType.
Result<long long> op_hset(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> pairs,
                          const keyspace::HashLimits& limits);

// HSETNX: true when the field was added. Err::WrongType.
Result<bool> op_hsetnx(const OpArgs& op, std::string_view key, uint16_t slot,
                       std::string_view field, std::string_view value,
                       const keyspace::HashLimits& limits);

// HDEL: the number of fields removed; the key is deleted when the hash empties.
Result<long long> op_hdel(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> fields);

// HINCRBY: the new value. Err::WrongType, Err::NotInteger (the field's value is not an
// integer: "ERR hash value is not an integer"), Err::Overflow.
Result<long long> op_hincrby(const OpArgs& op, std::string_view key, uint16_t slot,
                             std::string_view field, long long incr,
                             const keyspace::HashLimits& limits);

// HINCRBYFLOAT: the new value as stored and replied. incr is already parsed and finite.
// Err::WrongType, Err::NotFloat (the field's value: "ERR hash value is not a float"),
// Err::NanOrInf.
Result<std::string> op_hincrbyfloat(const OpArgs& op, std::string_view key, uint16_t slot,
                                    std::string_view field, long double incr,
                                    const keyspace::HashLimits& limits);

}  // namespace slotcache::commands
