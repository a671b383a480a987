// The sorted set family's single-key handlers and the command table: parse, run the op_*
// (zsets.h) or read the ZSet, reply, and set dirty. Commands over several keys (ZUNION ...,
// ZMPOP, ZPOP*, ZRANDMEMBER, ZSCAN) are in zsets_multi.cpp.
//
// Propagation follows Redis 7.0: every write here is propagated as received (ZADD INCR and
// ZINCRBY included), and only when it changed something (dirty > 0).
//
// Loop thread only.
#include <string>

#include "commands/context.h"
#include "commands/families.h"
#include "commands/zsets.h"
#include "commands/zsets_reply.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::ZSet;
using server::CommandContext;

namespace {

constexpr std::string_view kNanError = "ERR resulting score is not a number (NaN)";
constexpr std::string_view kNotFloatRange = "ERR min or max is not a float";
constexpr std::string_view kBadLexRange = "ERR min or max not valid string range item";

// The zset to read at args[1], or false after replying (WRONGTYPE). *z is null when absent.
bool read_or_reply(CommandContext& ctx, ZSet** z) {
    Result<ZSet*> r = zset_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return false;
    }
    *z = *r;
    return true;
}

void zadd_generic(CommandContext& ctx, const ZAddArgs& a) {
    Result<ZAddOutcome> r =
        op_zadd(op_args(ctx), ctx.args[1], first_slot(ctx), a, zset_limits(ctx));
    if (!r.ok()) {
        if (r.err() == Err::NanOrInf) {
            ctx.reply.error(kNanError);
        } else {
            reply_err(ctx, r.err());
        }
        return;
    }
    if (a.flags.incr) {
        if (r->incr_done) {
            ctx.reply.dbl(r->incr_score);
        } else {
            ctx.reply.null();
        }
    } else {
        ctx.reply.integer(a.flags.ch ? r->added + r->updated : r->added);
    }
    ctx.dirty += r->added + r->updated;
}

void cmd_zadd(CommandContext& ctx) {
    Parsed<ZAddArgs> a = parse_zadd(ctx.args);
    if (!a.ok()) {
        ctx.reply.error(a.error());
        return;
    }
    zadd_generic(ctx, a.value());
}

// ZINCRBY key increment member
void cmd_zincrby(CommandContext& ctx) {
    double d;
    if (!parse_double(ctx.args[2], &d)) {
        reply_err(ctx, Err::NotFloat);
        return;
    }
    ZAddArgs a{.line = &ctx.args, .first = 2, .count = 1};
    a.flags.incr = true;
    zadd_generic(ctx, a);
}

void cmd_zrem(CommandContext& ctx) {
    Result<long long> r = op_zrem(op_args(ctx), ctx.args[1], first_slot(ctx), ctx.args);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r);
    ctx.dirty += *r;
}

void cmd_zcard(CommandContext& ctx) {
    ZSet* z;
    if (read_or_reply(ctx, &z)) {
        ctx.reply.integer(z ? static_cast<long long>(z->size()) : 0);
    }
}

void cmd_zscore(CommandContext& ctx) {
    ZSet* z;
    if (!read_or_reply(ctx, &z)) {
        return;
    }
    double s;
    if (z != nullptr && z->score(ctx.args[2], &s)) {
        ctx.reply.dbl(s);
    } else {
        ctx.reply.null();
    }
}

void cmd_zmscore(CommandContext& ctx) {
    ZSet* z;
    if (!read_or_reply(ctx, &z)) {
        return;
    }
    ctx.reply.array(ctx.args.size() - 2);
    for (size_t i = 2; i < ctx.args.size(); i++) {
        double s;
        if (z != nullptr && z->score(ctx.args[i], &s)) {
            ctx.reply.dbl(s);
        } else {
            ctx.reply.null();
        }
    }
}

void rank_generic(CommandContext& ctx, bool rev) {
    ZSet* z;
    if (!read_or_reply(ctx, &z)) {
        return;
    }
    long long r = z ? z->rank(ctx.args[2]) : -1;
    if (r < 0) {
        ctx.reply.null();
        return;
    }
    ctx.reply.integer(rev ? static_cast<long long>(z->size()) - 1 - r : r);
}

void cmd_zrank(CommandContext& ctx) {
    rank_generic(ctx, false);
}
void cmd_zrevrank(CommandContext& ctx) {
    rank_generic(ctx, true);
}

bool parse_score_range_or_reply(CommandContext& ctx, std::string_view min, std::string_view max,
                                keyspace::ZScoreRange* r) {
    if (!parse_score_bound(min, &r->min, &r->minex) ||
        !parse_score_bound(max, &r->max, &r->maxex)) {
        ctx.reply.error(kNotFloatRange);
        return false;
    }
    return true;
}

bool parse_lex_range_or_reply(CommandContext& ctx, std::string_view min, std::string_view max,
                              keyspace::ZLexRange* r) {
    if (!parse_lex_bound(min, &r->min) || !parse_lex_bound(max, &r->max)) {
        ctx.reply.error(kBadLexRange);
        return false;
    }
    return true;
}

void cmd_zcount(CommandContext& ctx) {
    keyspace::ZScoreRange r;
    ZSet* z;
    if (!parse_score_range_or_reply(ctx, ctx.args[2], ctx.args[3], &r) || !read_or_reply(ctx, &z)) {
        return;
    }
    size_t lo = z ? z->score_low(r) : 0, hi = z ? z->score_high(r) : 0;
    ctx.reply.integer(hi > lo ? static_cast<long long>(hi - lo) : 0);
}

void cmd_zlexcount(CommandContext& ctx) {
    keyspace::ZLexRange r;
    ZSet* z;
    if (!parse_lex_range_or_reply(ctx, ctx.args[2], ctx.args[3], &r) || !read_or_reply(ctx, &z)) {
        return;
    }
    size_t lo = z ? z->lex_low(r.min) : 0, hi = z ? z->lex_high(r.max) : 0;
    ctx.reply.integer(hi > lo ? static_cast<long long>(hi - lo) : 0);
}

// ---- ZRANGE and its legacy forms (t_zset.c zrangeGenericCommand) ---------------------------

enum class Fixed : uint8_t { Auto, Rank, Score, Lex };

// Parses args[argc_start ...] = src min max [options]; false after replying an error.
bool parse_zrange_or_reply(CommandContext& ctx, size_t argc_start, bool store, Fixed type,
                           bool fixed_dir, bool rev, ZRangeSpec* s) {
    const auto& args = ctx.args;
    bool limit_given = false;
    s->rev = rev;
    bool auto_type = type == Fixed::Auto;
    for (size_t j = argc_start + 3; j < args.size(); j++) {
        size_t left = args.size() - j - 1;
        if (!store && iequals(args[j], "withscores")) {
            s->withscores = true;
        } else if (iequals(args[j], "limit") && left >= 2) {
            if (!parse_ll(args[j + 1], &s->offset) || !parse_ll(args[j + 2], &s->limit)) {
                reply_err(ctx, Err::NotInteger);
                return false;
            }
            limit_given = true;
            j += 2;
        } else if (!fixed_dir && iequals(args[j], "rev")) {
            s->rev = true;
        } else if (auto_type && type == Fixed::Auto && iequals(args[j], "bylex")) {
            type = Fixed::Lex;
        } else if (auto_type && type == Fixed::Auto && iequals(args[j], "byscore")) {
            type = Fixed::Score;
        } else {
            reply_err(ctx, Err::Syntax);
            return false;
        }
    }
    if (type == Fixed::Auto) {
        type = Fixed::Rank;
    }
    if (limit_given && s->limit != -1 && type == Fixed::Rank) {
        ctx.reply.error(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or "
            "BYLEX");
        return false;
    }
    if (s->withscores && type == Fixed::Lex) {
        ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        return false;
    }
    std::string_view a = args[argc_start + 1], b = args[argc_start + 2];
    if (s->rev && type != Fixed::Rank) {
        std::swap(a, b);  // the range is given as max min
    }
    switch (type) {
        case Fixed::Rank:
        case Fixed::Auto:
            s->kind = ZRangeKind::Rank;
            if (!parse_ll(a, &s->start) || !parse_ll(b, &s->end)) {
                reply_err(ctx, Err::NotInteger);
                return false;
            }
            return true;
        case Fixed::Score:
            s->kind = ZRangeKind::Score;
            return parse_score_range_or_reply(ctx, a, b, &s->score);
        case Fixed::Lex:
            s->kind = ZRangeKind::Lex;
            return parse_lex_range_or_reply(ctx, a, b, &s->lex);
    }
    return true;
}

void zrange_generic(CommandContext& ctx, Fixed type, bool fixed_dir, bool rev) {
    ZRangeSpec s;
    if (!parse_zrange_or_reply(ctx, 1, false, type, fixed_dir, rev, &s)) {
        return;
    }
    ZSet* z;
    if (!read_or_reply(ctx, &z)) {
        return;
    }
    if (z == nullptr) {
        ctx.reply.empty_array();
        return;
    }
    size_t from, count;
    bool reverse;
    zrange_resolve(*z, s, &from, &count, &reverse);
    reply_scored_header(ctx, count, s.withscores);
    ZSet::Iter it = z->iter(from, count, reverse);
    std::string_view m;
    double sc;
    while (it.next(&m, &sc)) {
        reply_scored(ctx, m, sc, s.withscores);
    }
}

void cmd_zrange(CommandContext& ctx) {
    zrange_generic(ctx, Fixed::Auto, false, false);
}
void cmd_zrevrange(CommandContext& ctx) {
    zrange_generic(ctx, Fixed::Rank, true, true);
}
void cmd_zrangebyscore(CommandContext& ctx) {
    zrange_generic(ctx, Fixed::Score, true, false);
}
void cmd_zrevrangebyscore(CommandContext& ctx) {
    zrange_generic(ctx, Fixed::Score, true, true);
}
void cmd_zrangebylex(CommandContext& ctx) {
    zrange_generic(ctx, Fixed::Lex, true, false);
}
void cmd_zrevrangebylex(CommandContext& ctx) {
    zrange_generic(ctx, Fixed::Lex, true, true);
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
void cmd_zrangestore(CommandContext& ctx) {
    ZRangeSpec s;
    if (!parse_zrange_or_reply(ctx, 2, true, Fixed::Auto, false, false, &s)) {
        return;
    }
    OpArgs op = op_args(ctx);
    Result<ZSet*> src = zset_read(op, ctx.args[2], key_slot(ctx.args[2]));
    if (!src.ok()) {
        reply_err(ctx, src.err());
        return;
    }
    auto out = std::make_unique<ZSet>();
    if (*src != nullptr) {
        size_t from, count;
        bool reverse;
        zrange_resolve(**src, s, &from, &count, &reverse);
        ZsetLimits lim = zset_limits(ctx);
        ZSet::Iter it = (*src)->iter(from, count, reverse);
        std::string_view m;
        double sc;
        while (it.next(&m, &sc)) {
            zset_insert(*out, m, sc, lim);
        }
    }
    uint16_t dslot = first_slot(ctx);
    bool existed = op.db.find(ctx.args[1], dslot) != nullptr;
    long long n = zset_store(op, ctx.args[1], dslot, std::move(out));
    ctx.reply.integer(n);
    ctx.dirty += (n > 0 || existed) ? 1 : 0;
}

void zremrange_generic(CommandContext& ctx, ZRangeKind kind) {
    ZRangeSpec s;
    s.kind = kind;
    if (kind == ZRangeKind::Rank) {
        if (!parse_ll(ctx.args[2], &s.start) || !parse_ll(ctx.args[3], &s.end)) {
            reply_err(ctx, Err::NotInteger);
            return;
        }
    } else if (kind == ZRangeKind::Score) {
        if (!parse_score_range_or_reply(ctx, ctx.args[2], ctx.args[3], &s.score)) {
            return;
        }
    } else if (!parse_lex_range_or_reply(ctx, ctx.args[2], ctx.args[3], &s.lex)) {
        return;
    }
    Result<long long> r = op_zremrange(op_args(ctx), ctx.args[1], first_slot(ctx), s);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r);
    ctx.dirty += *r;
}

void cmd_zremrangebyrank(CommandContext& ctx) {
    zremrange_generic(ctx, ZRangeKind::Rank);
}
void cmd_zremrangebyscore(CommandContext& ctx) {
    zremrange_generic(ctx, ZRangeKind::Score);
}
void cmd_zremrangebylex(CommandContext& ctx) {
    zremrange_generic(ctx, ZRangeKind::Lex);
}

}  // namespace

void register_zset_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadonly;
    constexpr uint32_t kOom = kCmdDenyOom;
    constexpr uint32_t kF = kCmdFast;
    // name, arity, flags, first key, last key, step, handler, ACL categories (COMMAND INFO of
    // redis-server 7.0.15).
    CommandDef defs[] = {
        {"zadd", -4, kW | kOom | kF, 1, 1, 1, cmd_zadd, "write sortedset fast"},
        {"zincrby", 4, kW | kOom | kF, 1, 1, 1, cmd_zincrby, "write sortedset fast"},
        {"zrem", -3, kW | kF, 1, 1, 1, cmd_zrem, "write sortedset fast"},
        {"zcard", 2, kR | kF, 1, 1, 1, cmd_zcard, "read sortedset fast"},
        {"zscore", 3, kR | kF, 1, 1, 1, cmd_zscore, "read sortedset fast"},
        {"zmscore", -3, kR | kF, 1, 1, 1, cmd_zmscore, "read sortedset fast"},
        {"zrank", 3, kR | kF, 1, 1, 1, cmd_zrank, "read sortedset fast"},
        {"zrevrank", 3, kR | kF, 1, 1, 1, cmd_zrevrank, "read sortedset fast"},
        {"zcount", 4, kR | kF, 1, 1, 1, cmd_zcount, "read sortedset fast"},
        {"zlexcount", 4, kR | kF, 1, 1, 1, cmd_zlexcount, "read sortedset fast"},
        {"zrange", -4, kR, 1, 1, 1, cmd_zrange, "read sortedset slow"},
        {"zrangestore", -5, kW | kOom, 1, 2, 1, cmd_zrangestore, "write sortedset slow"},
        {"zrevrange", -4, kR, 1, 1, 1, cmd_zrevrange, "read sortedset slow"},
        {"zrangebyscore", -4, kR, 1, 1, 1, cmd_zrangebyscore, "read sortedset slow"},
        {"zrevrangebyscore", -4, kR, 1, 1, 1, cmd_zrevrangebyscore, "read sortedset slow"},
        {"zrangebylex", -4, kR, 1, 1, 1, cmd_zrangebylex, "read sortedset slow"},
        {"zrevrangebylex", -4, kR, 1, 1, 1, cmd_zrevrangebylex, "read sortedset slow"},
        {"zremrangebyrank", 4, kW, 1, 1, 1, cmd_zremrangebyrank, "write sortedset slow"},
        {"zremrangebyscore", 4, kW, 1, 1, 1, cmd_zremrangebyscore, "write sortedset slow"},
        {"zremrangebylex", 4, kW, 1, 1, 1, cmd_zremrangebylex, "write sortedset slow"},
    };
    for (CommandDef& d : defs) {
        table.add(std::move(d));
    }
    add_zset_multi_commands(table);
    add_zset_blocking_commands(table);
}

}  // namespace slotcache::commands
