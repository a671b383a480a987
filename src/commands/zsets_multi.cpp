// The sorted set handlers over several keys or with random / incremental output: ZPOPMIN
// ZPOPMAX ZMPOP, ZRANDMEMBER, ZSCAN, ZUNION ZINTER ZDIFF and their *STORE forms, ZINTERCARD,
// with the key finders of the commands whose keys follow a numkeys argument.
//
// Propagation (Redis 7.0): ZMPOP is rewritten as ZPOPMIN/ZPOPMAX key count (the count asked
// for); the others go as received when they changed something. The blocking forms (BZPOPMIN,
// BZPOPMAX, BZMPOP) are to reuse op_zpop and reply_zpopped (zsets_reply.h) once the blocking
// layer exists: BZPOPMIN replies [key, member, score] flat in both protocols, BZMPOP as ZMPOP,
// and both are propagated as ZPOPMIN/ZPOPMAX key count.
//
// Loop thread only.
#include <climits>
#include <cmath>
#include <string>

#include "commands/context.h"
#include "commands/key_args.h"
#include "commands/zsets.h"
#include "commands/zsets_reply.h"
#include "common/random.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::ZSet;
using server::CommandContext;

namespace {

// ---- pops ----------------------------------------------------------------------------------

// ZPOPMIN / ZPOPMAX key [count]
void zpop_generic(CommandContext& ctx, bool max) {
    if (ctx.args.size() > 3) {
        reply_err(ctx, Err::Syntax);
        return;
    }
    long long count = -1;
    if (ctx.args.size() == 3) {
        if (!parse_ll(ctx.args[2], &count)) {
            reply_err(ctx, Err::NotInteger);
            return;
        }
        if (count < 0) {
            ctx.reply.error("ERR value is out of range, must be positive");
            return;
        }
    }
    Result<ZPopped> r = op_zpop(op_args(ctx), ctx.args[1], first_slot(ctx), max,
                                count == -1 ? 1 : static_cast<size_t>(count));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    reply_zpopped(ctx.reply, *r, ctx.reply.proto() > 2 && count != -1);
    ctx.dirty += static_cast<long long>(r->size());
}

void cmd_zpopmin(CommandContext& ctx) {
    zpop_generic(ctx, false);
}
void cmd_zpopmax(CommandContext& ctx) {
    zpop_generic(ctx, true);
}

// A positive count or numkeys, with ZMPOP's own error text for both failures.
bool parse_positive(CommandContext& ctx, std::string_view s, std::string_view err, long long* out) {
    if (!parse_ll(s, out) || *out < 1) {
        ctx.reply.error(err);
        return false;
    }
    return true;
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
void cmd_zmpop(CommandContext& ctx) {
    ZmpopArgs m;
    if (!parse_zmpop_args(ctx, 1, &m)) {
        return;
    }
    for (size_t k = 0; k < m.numkeys; k++) {
        if (zmpop_one(ctx, m, ctx.args[m.first_key + k])) {
            return;
        }
    }
    ctx.reply.null_array();
}

// ---- ZRANDMEMBER ---------------------------------------------------------------------------

void zrandmember_count(CommandContext& ctx, ZSet* z, long long l, bool withscores) {
    bool uniq = l >= 0;
    unsigned long long count =
        uniq ? static_cast<unsigned long long>(l) : static_cast<unsigned long long>(-l);
    std::string_view m;
    double s;
    if (count == 0 || z == nullptr) {
        ctx.reply.empty_array();
        return;
    }
    size_t size = z->size();
    if (!uniq) {
        reply_scored_header(ctx, count, withscores);
        for (unsigned long long i = 0; i < count; i++) {
            ZSet::Iter it = z->iter(random_below(size), 1, false);
            it.next(&m, &s);
            reply_scored(ctx, m, s, withscores);
        }
        return;
    }
    if (count >= size) {
        reply_scored_header(ctx, size, withscores);
        ZSet::Iter it = z->iter(0, size, false);
        while (it.next(&m, &s)) {
            reply_scored(ctx, m, s, withscores);
        }
        return;
    }
    // Distinct ranks: Floyd's sampling then a shuffle-free reply (Redis' order is random too).
    std::vector<size_t> picked;
    picked.reserve(count);
    for (size_t j = size - count; j < size; j++) {
        size_t t = random_below(j + 1);
        bool seen = false;
        for (size_t p : picked) {
            if (p == t) {
                seen = true;
                break;
            }
        }
        picked.push_back(seen ? j : t);
    }
    reply_scored_header(ctx, count, withscores);
    for (size_t r : picked) {
        ZSet::Iter it = z->iter(r, 1, false);
        it.next(&m, &s);
        reply_scored(ctx, m, s, withscores);
    }
}

// ZRANDMEMBER key [count [WITHSCORES]]
void cmd_zrandmember(CommandContext& ctx) {
    const auto& args = ctx.args;
    if (args.size() > 4 || (args.size() == 4 && !iequals(args[3], "withscores"))) {
        reply_err(ctx, Err::Syntax);
        return;
    }
    if (args.size() >= 3) {
        long long l;
        if (!parse_ll(args[2], &l)) {
            reply_err(ctx, Err::NotInteger);
            return;
        }
        if (l == LLONG_MIN) {
            ctx.reply.error(
                "ERR value is out of range, value must between -9223372036854775807 "
                "and 9223372036854775807");
            return;
        }
        if (args.size() == 4 && l < -LLONG_MAX / 2) {
            ctx.reply.error("ERR value is out of range");  // count * 2 must not overflow
            return;
        }
        Result<ZSet*> z = zset_read(op_args(ctx), args[1], first_slot(ctx));
        if (!z.ok()) {
            reply_err(ctx, z.err());
            return;
        }
        zrandmember_count(ctx, *z, l, args.size() == 4);
        return;
    }
    Result<ZSet*> z = zset_read(op_args(ctx), args[1], first_slot(ctx));
    if (!z.ok()) {
        reply_err(ctx, z.err());
        return;
    }
    if (*z == nullptr) {
        ctx.reply.null();
        return;
    }
    std::string_view m;
    double s;
    ZSet::Iter it = (*z)->iter(random_below((*z)->size()), 1, false);
    it.next(&m, &s);
    ctx.reply.bulk(m);
}

// ---- ZSCAN ---------------------------------------------------------------------------------

// The score as ZSCAN prints it: Redis' d2string (listpack) / ld2string (skiplist) give the
// integer form for integral values within 2^52 and %.17g otherwise.
std::string scan_score(double v) {
    if (std::isinf(v)) {
        return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
        return std::signbit(v) ? "-0" : "0";
    }
    if (v > -4503599627370495.0 && v < 4503599627370496.0 &&
        v == static_cast<double>(static_cast<long long>(v))) {
        return ll_to_string(static_cast<long long>(v));
    }
    return double_to_string(v);
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
void cmd_zscan(CommandContext& ctx) {
    uint64_t cursor = 0;
    if (!parse_scan_cursor(ctx.args[2], &cursor)) {
        ctx.reply.error("ERR invalid cursor");
        return;
    }
    Parsed<ScanOptions> opt = parse_scan_options(ctx.args, 3, false);
    if (!opt.ok()) {
        ctx.reply.error(opt.error());
        return;
    }
    Result<ZSet*> z = zset_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!z.ok()) {
        reply_err(ctx, z.err());
        return;
    }
    std::vector<std::pair<std::string_view, double>> found;
    uint64_t next = 0;
    if (*z != nullptr) {
        next =
            (*z)->scan(cursor, static_cast<size_t>(opt->count), [&](std::string_view m, double s) {
                if (!opt->has_pattern || glob_match(opt->pattern, m)) {
                    found.emplace_back(m, s);
                }
            });
    }
    ctx.reply.array(2);
    ctx.reply.bulk(std::to_string(next));
    ctx.reply.array(found.size() * 2);
    for (const auto& [m, s] : found) {
        ctx.reply.bulk(m);
        ctx.reply.bulk(scan_score(s));
    }
}

// ---- ZUNION ZINTER ZDIFF ZINTERCARD and the *STORE forms -----------------------------------

void setop_generic(CommandContext& ctx, ZSetOp kind, bool store) {
    std::string cmd = to_lower(ctx.args[0]);
    Parsed<ZSetOpArgs> a = parse_zsetop(ctx.args, store ? 2 : 1, cmd, kind, store, false);
    if (!a.ok()) {
        ctx.reply.error(a.error());
        return;
    }
    OpArgs op = op_args(ctx);
    Result<std::unique_ptr<ZSet>> r = op_zsetop(op, kind, a.value(), zset_limits(ctx), store);
    if (!r.ok()) {
        if (r.err() == Err::Invalid) {
            ctx.reply.error(a->options_error);
        } else {
            reply_err(ctx, r.err());
        }
        return;
    }
    if (store) {
        uint16_t dslot = first_slot(ctx);
        bool existed = op.db.find(ctx.args[1], dslot) != nullptr;
        long long n = zset_store(op, ctx.args[1], dslot, std::move(*r));
        ctx.reply.integer(n);
        ctx.dirty += (n > 0 || existed) ? 1 : 0;
        return;
    }
    const ZSet& z = **r;
    reply_scored_header(ctx, z.size(), a->withscores);
    ZSet::Iter it = z.iter(0, z.size(), false);
    std::string_view m;
    double s;
    while (it.next(&m, &s)) {
        reply_scored(ctx, m, s, a->withscores);
    }
}

void cmd_zunion(CommandContext& ctx) {
    setop_generic(ctx, ZSetOp::Union, false);
}
void cmd_zinter(CommandContext& ctx) {
    setop_generic(ctx, ZSetOp::Inter, false);
}
void cmd_zdiff(CommandContext& ctx) {
    setop_generic(ctx, ZSetOp::Diff, false);
}
void cmd_zunionstore(CommandContext& ctx) {
    setop_generic(ctx, ZSetOp::Union, true);
}
void cmd_zinterstore(CommandContext& ctx) {
    setop_generic(ctx, ZSetOp::Inter, true);
}
void cmd_zdiffstore(CommandContext& ctx) {
    setop_generic(ctx, ZSetOp::Diff, true);
}

void cmd_zintercard(CommandContext& ctx) {
    Parsed<ZSetOpArgs> a = parse_zsetop(ctx.args, 1, "zintercard", ZSetOp::Inter, true, true);
    if (!a.ok()) {
        ctx.reply.error(a.error());
        return;
    }
    Result<long long> r = op_zintercard(op_args(ctx), a.value());
    if (!r.ok()) {
        if (r.err() == Err::Invalid) {
            ctx.reply.error(a->options_error);
        } else {
            reply_err(ctx, r.err());
        }
        return;
    }
    ctx.reply.integer(*r);
}

// ---- key finders ---------------------------------------------------------------------------

// Keys follow a numkeys argument at numkeys_idx (and args[1] is a destination when dst).
bool numkeys_keys(const std::vector<std::string_view>& args, size_t numkeys_idx, bool dst,
                  std::vector<int>* out) {
    long long n;
    if (numkeys_idx >= args.size() || !parse_ll(args[numkeys_idx], &n) || n < 1 ||
        n > static_cast<long long>(args.size() - numkeys_idx - 1)) {
        return false;
    }
    if (dst) {
        out->push_back(1);
    }
    for (long long i = 0; i < n; i++) {
        out->push_back(static_cast<int>(numkeys_idx + 1 + static_cast<size_t>(i)));
    }
    return true;
}

bool keys_at_1(const std::vector<std::string_view>& args, std::vector<int>* out) {
    return numkeys_keys(args, 1, false, out);
}
bool keys_store(const std::vector<std::string_view>& args, std::vector<int>* out) {
    return numkeys_keys(args, 2, true, out);
}

}  // namespace

bool parse_zmpop_args(CommandContext& ctx, size_t numkeys_at, ZmpopArgs* out) {
    const auto& args = ctx.args;
    long long numkeys;
    if (!parse_positive(ctx, args[numkeys_at], "ERR numkeys should be greater than 0",
                        &numkeys)) {
        return false;
    }
    if (numkeys > static_cast<long long>(args.size() - numkeys_at) - 2) {
        reply_err(ctx, Err::Syntax);
        return false;
    }
    size_t where = numkeys_at + 1 + static_cast<size_t>(numkeys);
    if (iequals(args[where], "min")) {
        out->max = false;
    } else if (iequals(args[where], "max")) {
        out->max = true;
    } else {
        reply_err(ctx, Err::Syntax);
        return false;
    }
    long long count = -1;
    for (size_t j = where + 1; j < args.size(); j++) {
        if (count == -1 && iequals(args[j], "count") && j + 1 < args.size()) {
            if (!parse_positive(ctx, args[++j], "ERR count should be greater than 0", &count)) {
                return false;
            }
        } else {
            reply_err(ctx, Err::Syntax);
            return false;
        }
    }
    out->first_key = numkeys_at + 1;
    out->numkeys = static_cast<size_t>(numkeys);
    out->count = count == -1 ? 1 : count;
    return true;
}

bool zmpop_one(CommandContext& ctx, const ZmpopArgs& m, std::string_view key) {
    OpArgs op = op_args(ctx);
    uint16_t slot = key_slot(key);
    Result<ZSet*> z = zset_write(op, key, slot);
    if (!z.ok()) {
        reply_err(ctx, z.err());
        return true;
    }
    if (*z == nullptr) {
        return false;
    }
    Result<ZPopped> r = op_zpop(op, key, slot, m.max, static_cast<size_t>(m.count));
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    reply_zpopped(ctx.reply, *r, true);
    ctx.dirty += static_cast<long long>(r->size());
    ctx.rewritten = {m.max ? "ZPOPMAX" : "ZPOPMIN", std::string(key), ll_to_string(m.count)};
    return true;
}

void add_zset_multi_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadonly;
    constexpr uint32_t kOom = kCmdDenyOom;
    constexpr uint32_t kF = kCmdFast;
    constexpr uint32_t kMov = kCmdMovableKeys;
    CommandDef defs[] = {
        {"zpopmin", -2, kW | kF, 1, 1, 1, cmd_zpopmin, "write sortedset fast"},
        {"zpopmax", -2, kW | kF, 1, 1, 1, cmd_zpopmax, "write sortedset fast"},
        {"zmpop", -4, kW | kMov, 0, 0, 0, cmd_zmpop, "write sortedset slow", keys_at_1},
        {"zrandmember", -2, kR, 1, 1, 1, cmd_zrandmember, "read sortedset slow"},
        {"zunion", -3, kR | kMov, 0, 0, 0, cmd_zunion, "read sortedset slow", keys_at_1},
        {"zinter", -3, kR | kMov, 0, 0, 0, cmd_zinter, "read sortedset slow", keys_at_1},
        {"zdiff", -3, kR | kMov, 0, 0, 0, cmd_zdiff, "read sortedset slow", keys_at_1},
        {"zunionstore", -4, kW | kOom | kMov, 1, 1, 1, cmd_zunionstore, "write sortedset slow",
         keys_store},
        {"zinterstore", -4, kW | kOom | kMov, 1, 1, 1, cmd_zinterstore, "write sortedset slow",
         keys_store},
        {"zdiffstore", -4, kW | kOom | kMov, 1, 1, 1, cmd_zdiffstore, "write sortedset slow",
         keys_store},
        {"zintercard", -3, kR | kMov, 0, 0, 0, cmd_zintercard, "read sortedset slow", keys_at_1},
        {"zscan", -3, kR, 1, 1, 1, cmd_zscan, "read sortedset slow"},
    };
    for (CommandDef& d : defs) {
        table.add(std::move(d));
    }
}

}  // namespace slotcache::commands
