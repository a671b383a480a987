// The list family's data operations (op_*), apart from argument parsing, replies and
// propagation (lists.cpp, list_blocking.cpp), so each command's semantics is unit-testable on a
// bare keyspace::Db. Semantics are Redis 7.0's t_list.c; a list that becomes empty is deleted.
//
// Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/op_args.h"
#include "common/result.h"
#include "keyspace/list.h"

namespace slotcache::commands {

enum class ListEnd : uint8_t { Left, Right };

// "left"/"right" (any case); false otherwise.
bool parse_list_end(std::string_view s, ListEnd* out);

// The list at key for a read (counts a hit or miss): nullptr when absent, Err::WrongType for
// another type. Valid until the Db changes.
Result<keyspace::List*> list_for_read(const OpArgs& op, std::string_view key, uint16_t slot);
// The same for a write (no statistics).
Result<keyspace::List*> list_for_write(const OpArgs& op, std::string_view key, uint16_t slot);

// LPUSH/RPUSH (create true) and LPUSHX/RPUSHX (create false): the new length, 0 when create is
// false and the key is absent. fill: list-max-listpack-size for a new list.
Result<long long> op_push(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> values, ListEnd end, bool create,
                          int fill);

// LPOP/RPOP/LMPOP: pops up to count elements into *out (resized to what was popped); the key
// is deleted when it empties. False (nothing popped) when the key is absent.
Result<bool> op_pop(const OpArgs& op, std::string_view key, uint16_t slot, ListEnd end,
                    size_t count, std::vector<std::string>* out);

// LMOVE/RPOPLPUSH: moves one element, returned in *moved. False when src is absent. Types are
// checked (src, then dst) before anything moves, as Redis does.
Result<bool> op_lmove(const OpArgs& op, std::string_view src, uint16_t src_slot,
                      std::string_view dst, uint16_t dst_slot, ListEnd from, ListEnd to, int fill,
                      std::string* moved);

// LRANGE/LTRIM index arithmetic: clamps start/end (negative from the end) to [0, len); false
// when the range is empty.
bool list_range(long long len, long long start, long long end, size_t* from, size_t* n);

// LTRIM: keeps [start, end]; deletes the key when nothing is left. Absent key: no-op.
// Returns the number of elements removed.
Result<size_t> op_ltrim(const OpArgs& op, std::string_view key, uint16_t slot, long long start,
                        long long end);

// LSET: Err::NoSuchKey, Err::OutOfRange, Err::WrongType.
Result<bool> op_lset(const OpArgs& op, std::string_view key, uint16_t slot, long long index,
                     std::string_view value);

// LINSERT: the new length, -1 when the pivot is absent, 0 when the key is absent.
Result<long long> op_linsert(const OpArgs& op, std::string_view key, uint16_t slot, bool after,
                             std::string_view pivot, std::string_view value);

// LREM: the number removed; the key is deleted when it empties.
Result<long long> op_lrem(const OpArgs& op, std::string_view key, uint16_t slot, long long count,
                          std::string_view value);

struct LposOptions {
    long long rank = 1;
    long long count = -1;  // -1: not given (one integer reply)
    long long maxlen = 0;
};

// LPOS: the matching indexes (at most count, all when count == 0).
Result<std::vector<long long>> op_lpos(const OpArgs& op, std::string_view key, uint16_t slot,
                                       std::string_view element, const LposOptions& o);

}  // namespace slotcache::commands
