// Shared pieces of the sorted set handlers (zsets.cpp, zsets_multi.cpp): the listpack limits
// from the config, error replies, and the reply shapes Redis 7.0 uses for (member, score)
// lists: flat in RESP2, an array of [member, double] pairs in RESP3 when `nested`.
//
// Loop thread only.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commands/context.h"
#include "commands/zsets.h"

namespace slotcache::commands {

inline ZsetLimits zset_limits(server::CommandContext& ctx) {
    const auto& cfg = ctx.server.cfg();
    return ZsetLimits{static_cast<size_t>(cfg.zset_max_listpack_entries),
                      static_cast<size_t>(cfg.zset_max_listpack_value)};
}

// One element of a WITHSCORES list.
inline void reply_scored(server::CommandContext& ctx, std::string_view m, double s,
                         bool withscores) {
    if (withscores && ctx.reply.proto() > 2) {
        ctx.reply.array(2);
    }
    ctx.reply.bulk(m);
    if (withscores) {
        ctx.reply.dbl(s);
    }
}

// The array header for n elements of a WITHSCORES list.
inline void reply_scored_header(server::CommandContext& ctx, size_t n, bool withscores) {
    ctx.reply.array(withscores && ctx.reply.proto() == 2 ? n * 2 : n);
}

using ZPopped = std::vector<std::pair<std::string, double>>;

// Popped elements (op_zpop) as Redis 7.0's genericZpopCommand writes them: a flat
// [m1, s1, m2, s2 ...] array, or with nested (ZPOP* with a count in RESP3, ZMPOP, BZMPOP) an
// array of [member, score] pairs. The key of ZMPOP / BZPOP* is the caller's to write first.
inline void reply_zpopped(resp::Reply& r, const ZPopped& p, bool nested) {
    r.array(nested ? p.size() : p.size() * 2);
    for (const auto& [m, s] : p) {
        if (nested) {
            r.array(2);
        }
        r.bulk(m);
        r.dbl(s);
    }
}

// ZMPOP / BZMPOP: numkeys at args[numkeys_at], then the keys, MIN|MAX, [COUNT count].
struct ZmpopArgs {
    size_t first_key = 0;
    size_t numkeys = 0;
    bool max = false;
    long long count = 1;
};
// Parses them; on bad arguments replies ZMPOP's error and returns false.
bool parse_zmpop_args(server::CommandContext& ctx, size_t numkeys_at, ZmpopArgs* out);
// Pops m.count elements from key when it holds a zset: replies [key, [[member, score] ...]],
// counts ctx.dirty and sets the propagated form (ZPOPMIN/ZPOPMAX key count, as Redis 7.0).
// False when the key is absent; a key of another type replies WRONGTYPE (true).
bool zmpop_one(server::CommandContext& ctx, const ZmpopArgs& m, std::string_view key);

// Registration halves (zsets.cpp registers both).
void add_zset_multi_commands(server::CommandTable& table);
// BZPOPMIN BZPOPMAX BZMPOP (zset_blocking.cpp).
void add_zset_blocking_commands(server::CommandTable& table);

}  // namespace slotcache::commands
