// The set family's data operations (op_*), apart from argument parsing, replies and
// propagation (sets.cpp), so their semantics are unit-tested on a bare keyspace::Db.
//
// Semantics are Redis 7.0's t_set.c with 7.2's encodings (keyspace/set.h). Reads count a
// keyspace hit or miss (lookup_read); writes and the *STORE commands' sources do not, as
// Redis' lookupKeyWrite. Err::WrongType when a key holds another type.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/op_args.h"
#include "common/result.h"
#include "keyspace/set.h"

namespace slotcache::commands {

// The set at key: nullptr when absent; Err::WrongType for another type. The set is valid
// until the Db is next modified.
Result<keyspace::Set*> op_set_read(const OpArgs& op, std::string_view key, uint16_t slot);

// SADD: the number of members added. A new key gets Redis 7.2's setTypeCreate encoding.
Result<long long> op_sadd(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> members,
                          const keyspace::SetLimits& lim);
// SREM: the number removed; a set left empty is deleted.
Result<long long> op_srem(const OpArgs& op, std::string_view key, uint16_t slot,
                          std::span<const std::string_view> members);

// SPOP without count: the popped member (found false when the key is absent); a set left
// empty is deleted.
struct PopOne {
    bool found = false;
    std::string member;
};
Result<PopOne> op_spop_one(const OpArgs& op, std::string_view key, uint16_t slot);

// SPOP with count (> 0): the popped members; *whole is set when the set was emptied and its
// key deleted (propagated as DEL/UNLINK). Redis 7.0's strategies: the whole set when count >=
// size; random pops when few are taken; otherwise the survivors are picked and the rest
// popped.
Result<std::vector<std::string>> op_spop_count(const OpArgs& op, std::string_view key,
                                               uint16_t slot, uint64_t count, bool* whole);

// SRANDMEMBER with count (non-zero) on a non-empty set: calls fn for each pick, and returns
// nothing. Negative counts may repeat members (|count| independent picks, streamed: nothing is
// stored, however large the count); positive ones are distinct, min(count, size) of them,
// every subset equally likely. srandmember_count() is how many picks fn will see.
size_t srandmember_count(const keyspace::Set& s, long long count);
void srandmember_picks(const keyspace::Set& s, long long count, const keyspace::MemberFn& fn);

// SMOVE: 1 when moved (or when src == dst holds the member), 0 otherwise.
Result<long long> op_smove(const OpArgs& op, std::string_view src, std::string_view dst,
                           std::string_view member, const keyspace::SetLimits& lim);

enum class SetOp : uint8_t { Inter, Union, Diff };

// SINTER / SUNION / SDIFF over keys (missing keys are empty sets): the result as a set built
// the way Redis builds it (an intset to start with, members added under lim), so *STORE
// gets Redis' encoding. Every key is type-checked before anything else. for_store: sources
// are looked up as writes (no statistics).
Result<std::unique_ptr<keyspace::Set>> op_set_combine(const OpArgs& op, SetOp kind,
                                                      std::span<const std::string_view> keys,
                                                      bool for_store,
                                                      const keyspace::SetLimits& lim);

// SINTERCARD: the intersection's size, stopping at limit (0 = no limit).
Result<long long> op_sintercard(const OpArgs& op, std::span<const std::string_view> keys,
                                long long limit);

// *STORE: replaces dst (any type, TTL dropped) with result, or deletes dst when result is
// empty. Returns true when the keyspace changed (false: empty result and no dst).
bool op_store_set(const OpArgs& op, std::string_view dst, std::unique_ptr<keyspace::Set> result);

}  // namespace slotcache::commands
