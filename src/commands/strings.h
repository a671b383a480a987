// The string family's data operations (op_*), separate from argument parsing, replies and
// propagation (the handlers in strings.cpp), so that each command's semantics is unit-tested
// against a real keyspace::Db without a server.
//
// Semantics are Redis 7.0's t_string.c. Every op that reads a key through lookup_read counts a
// keyspace hit or miss as Redis' lookupKeyRead does; writes do not. Errors are Err values;
// the handler turns them into replies (err_text) or command-specific texts.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/op_args.h"
#include "commands/set_args.h"
#include "common/result.h"
#include "keyspace/entry.h"

namespace slotcache::commands {

// GET (and the read half of GETRANGE, STRLEN, MGET): the live string entry, nullptr when the
// key is absent; Err::WrongType for another type. Counts a hit or miss.
Result<const keyspace::Entry*> op_get(const OpArgs& op, std::string_view key, uint16_t slot);

struct SetParams {
    std::string_view value;
    // Absolute unix ms, keyspace::kNoExpire (SET drops any TTL) or keyspace::kKeepTtl.
    int64_t expire_at = keyspace::kNoExpire;
    bool nx = false;
    bool xx = false;
    bool get = false;  // read the previous value first (SET ... GET, GETSET)
};

struct SetOutcome {
    bool written = false;  // false: the NX / XX condition did not hold
    bool had_old = false;  // with get: the key held a string
    std::string old;       // with get: its value
};

// SET / SETNX / SETEX / PSETEX / GETSET. With get, a key of another type is Err::WrongType and
// nothing is written (Redis checks it before NX/XX).
Result<SetOutcome> op_set(const OpArgs& op, std::string_view key, uint16_t slot,
                          const SetParams& p);

// MSET (nx false) / MSETNX (nx true). kv is the command line: keys at 1, 3, 5, ... Each key's
// slot is computed here. Returns false (and writes nothing) when nx and any key exists.
bool op_mset(const OpArgs& op, const std::vector<std::string_view>& kv, bool nx);

// GETDEL: the previous value (had_old) and the key deleted. Err::WrongType leaves it.
Result<SetOutcome> op_getdel(const OpArgs& op, std::string_view key, uint16_t slot);

enum class GetexEffect : uint8_t { None, Expire, Persist, Delete };

struct GetexOutcome {
    bool found = false;
    std::string value;
    GetexEffect effect = GetexEffect::None;
    int64_t when = 0;  // the new absolute expire time for Expire
};

// GETEX. The expire argument is checked only once the key is found (a missing key replies nil
// whatever the time): Err::NotInteger, Err::Invalid ("invalid expire time in 'getex'").
// may_delete: an EXAT/PXAT time not after now deletes the key (false on a replica, which
// keeps the time and waits for the master's DEL). PERSIST on a key without TTL is no effect.
Result<GetexOutcome> op_getex(const OpArgs& op, std::string_view key, uint16_t slot,
                              const GetexOptions& opt, bool may_delete);

// APPEND: the new length. Err::WrongType; Err::StringTooLong past max_len (proto-max-bulk-len).
// The TTL is kept.
Result<size_t> op_append(const OpArgs& op, std::string_view key, uint16_t slot,
                         std::string_view data, long long max_len);

// STRLEN: 0 for a missing key.
Result<size_t> op_strlen(const OpArgs& op, std::string_view key, uint16_t slot);

// INCR / DECR / INCRBY / DECRBY: the new value. Err::WrongType, Err::NotInteger (value not an
// integer), Err::Overflow. A missing key starts at 0; the TTL is kept.
Result<long long> op_incrby(const OpArgs& op, std::string_view key, uint16_t slot,
                            long long delta);

// INCRBYFLOAT: the new value as stored and replied ("10.5", "5000"). incr is the raw
// argument. Err::WrongType, Err::NotFloat (value or increment), Err::NanOrInf. TTL kept.
Result<std::string> op_incrbyfloat(const OpArgs& op, std::string_view key, uint16_t slot,
                                   std::string_view incr);

// GETRANGE's index arithmetic (Redis 7.0): negative indexes count from the end, both are
// clamped, and an empty range gives false. On true, [*from, *from + *n) is within len.
bool string_range(size_t len, long long start, long long end, size_t* from, size_t* n);

// GETRANGE / SUBSTR: the substring, a view into the entry or into intbuf (keyspace::kIntBufLen
// bytes) for an integer value; empty for a missing key. Err::WrongType.
Result<std::string_view> op_getrange(const OpArgs& op, std::string_view key, uint16_t slot,
                                     long long start, long long end, char* intbuf);

// SETRANGE: the new length. The caller rejects offset < 0 ("ERR offset is out of range").
// Writing nothing creates nothing (0 for a missing key, the length for an existing one).
// Err::WrongType; Err::StringTooLong when offset + data exceeds max_len.
Result<size_t> op_setrange(const OpArgs& op, std::string_view key, uint16_t slot,
                           long long offset, std::string_view data, long long max_len);

}  // namespace slotcache::commands
