// The sorted set family's data operations (op_*) and pure argument parsers, separate from the
// handlers (zsets.cpp) so that their semantics are unit-tested against a bare keyspace::Db.
//
// Semantics are Redis 7.0's t_zset.c: a zset that becomes empty is deleted; a zset is created
// listpack and converted (one way) to skiplist once it holds more than
// zset-max-listpack-entries members or a member longer than zset-max-listpack-value bytes.
// Reads count a keyspace hit or miss (lookup_read), writes do not.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/op_args.h"
#include "commands/parsed.h"
#include "common/result.h"
#include "keyspace/zset.h"

namespace slotcache::commands {

struct ZsetLimits {
    size_t max_entries = 128;  // zset-max-listpack-entries
    size_t max_value = 64;     // zset-max-listpack-value
};

// Inserts an absent member, converting the set to skiplist when it outgrows the listpack.
// Returns true when it converted (the caller tells the Db: set_object_encoding).
bool zset_insert(keyspace::ZSet& z, std::string_view member, double score, const ZsetLimits& lim);

// The live zset at key (nullptr when absent); Err::WrongType for another type. zset_read
// counts a hit or miss, zset_write does not.
Result<keyspace::ZSet*> zset_read(const OpArgs& op, std::string_view key, uint16_t slot);
Result<keyspace::ZSet*> zset_write(const OpArgs& op, std::string_view key, uint16_t slot);

// ---- ZADD / ZINCRBY ----------------------------------------------------------------------

struct ZAddFlags {
    bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

// The score/member pairs stay in the command line (no copy, no allocation): pair i is
// (*line)[first + 2i], (*line)[first + 2i + 1]; every score was checked by the parser.
struct ZAddArgs {
    ZAddFlags flags;
    const std::vector<std::string_view>* line = nullptr;  // borrowed for the command
    size_t first = 0;
    size_t count = 0;

    double score(size_t i) const;
    std::string_view member(size_t i) const { return (*line)[first + 2 * i + 1]; }
};

// ZADD's options and score/member pairs from args[2] on, with Redis' error texts. The
// result borrows args. ZINCRBY key incr member is the same layout with first = 2, count = 1.
Parsed<ZAddArgs> parse_zadd(const std::vector<std::string_view>& args);

struct ZAddOutcome {
    long long added = 0;
    long long updated = 0;   // score changed
    bool incr_done = false;  // INCR: the element was added or updated (else nil reply)
    double incr_score = 0;   // INCR: the new score
};

// ZADD / ZINCRBY. Err::WrongType; Err::NanOrInf when INCR makes a NaN ("ERR resulting score
// is not a number (NaN)"), with the elements before it already applied, as Redis.
Result<ZAddOutcome> op_zadd(const OpArgs& op, std::string_view key, uint16_t slot,
                            const ZAddArgs& a, const ZsetLimits& lim);

// ZREM: how many members were removed; the key is deleted when it empties. args is the
// command line: the members are args[2] on.
Result<long long> op_zrem(const OpArgs& op, std::string_view key, uint16_t slot,
                          const std::vector<std::string_view>& args);

// ---- ranges ------------------------------------------------------------------------------

enum class ZRangeKind : uint8_t { Rank, Score, Lex };

struct ZRangeSpec {
    ZRangeKind kind = ZRangeKind::Rank;
    bool rev = false;
    long long start = 0, end = 0;  // Rank
    keyspace::ZScoreRange score;   // Score
    keyspace::ZLexRange lex;       // Lex
    long long offset = 0;          // LIMIT (Score / Lex)
    long long limit = -1;          // -1: no limit
    bool withscores = false;
};

// "(1.5" / "inf" / "-inf" -> a bound; false on "ERR min or max is not a float".
bool parse_score_bound(std::string_view s, double* v, bool* exclusive);
// "-" / "+" / "[x" / "(x" -> a lex bound (a view into s); false on "not valid string range".
bool parse_lex_bound(std::string_view s, keyspace::ZLexBound* out);

// The rank walk a spec selects on z: start at ascending rank *from, *count elements, going
// down when *reverse. Applies Redis' index clamping and LIMIT offset/count.
void zrange_resolve(const keyspace::ZSet& z, const ZRangeSpec& s, size_t* from, size_t* count,
                    bool* reverse);

// ZREMRANGEBYRANK / BYSCORE / BYLEX (rev and limit unused): how many were removed.
Result<long long> op_zremrange(const OpArgs& op, std::string_view key, uint16_t slot,
                               const ZRangeSpec& s);

// ---- pops (ZPOPMIN ZPOPMAX ZMPOP, and the non-blocking half of BZPOP* / BZMPOP) -----------

// Pops up to count elements from the low (max false) or high end of the zset at key, in pop
// order, into *out; deletes the key when it empties. An absent key gives an empty result.
// Err::WrongType.
Result<std::vector<std::pair<std::string, double>>> op_zpop(const OpArgs& op, std::string_view key,
                                                            uint16_t slot, bool max, size_t count);

// ---- ZUNION ZINTER ZDIFF (and *STORE, ZINTERCARD) ----------------------------------------

enum class ZSetOp : uint8_t { Union, Inter, Diff };
enum class ZAggregate : uint8_t { Sum, Min, Max };

struct ZSetOpArgs {
    std::vector<std::string_view> keys;
    std::vector<double> weights;  // one per key (1 when WEIGHTS is absent)
    ZAggregate aggregate = ZAggregate::Sum;
    bool withscores = false;
    long long limit = 0;  // ZINTERCARD LIMIT (0 = none)
    // An error in the options after the keys: Redis reports it only after the inputs' type
    // check, so the op returns Err::Invalid for it (the caller replies this text) after
    // looking the inputs up.
    std::string options_error;
};

// numkeys and the options after the keys, starting at args[numkeys_idx] (errors in numkeys
// fail the parse; errors in the options land in options_error). cmd is the command's
// lowercase name (error texts); store: no WITHSCORES; diff: no WEIGHTS/AGGREGATE; card:
// ZINTERCARD's LIMIT only.
Parsed<ZSetOpArgs> parse_zsetop(const std::vector<std::string_view>& args, size_t numkeys_idx,
                                std::string_view cmd, ZSetOp kind, bool store, bool card);

// Computes the operation into a new zset: a skiplist, converted to a listpack at the end when
// for_write and it fits lim (as Redis, which replies ZUNION ... from the skiplist). Inputs are zsets or
// plain sets (members scored 1, as Redis), read with lookup_read when !for_write (ZUNION ...)
// and lookup_write for the *STORE forms. Err::WrongType when an input is neither absent, a zset
// nor a set; then Err::Invalid when a.options_error is set.
Result<std::unique_ptr<keyspace::ZSet>> op_zsetop(const OpArgs& op, ZSetOp kind,
                                                  const ZSetOpArgs& a, const ZsetLimits& lim,
                                                  bool for_write);

// Stores z at dst (replacing any value, TTL dropped), or deletes dst when z is empty. Returns
// z's size.
long long zset_store(const OpArgs& op, std::string_view dst, uint16_t slot,
                     std::unique_ptr<keyspace::ZSet> z);

// ZINTERCARD: the intersection's size, stopping at limit (0 = none). Errors as op_zsetop.
Result<long long> op_zintercard(const OpArgs& op, const ZSetOpArgs& a);

}  // namespace slotcache::commands
