// The hash family's handlers and command table: parse, run the op_* (hashes.h) or read the
// hash directly, reply, and set dirty / the propagated form as Redis 7.0 does:
//
//   HINCRBYFLOAT key field incr  -> HSET key field <new value>  (replicas store our text,
//                                    not their own float arithmetic's)
//
// Read-only commands reply straight from the hash's views: nothing modifies the Db between
// the lookup and the end of the reply, so no field or value is copied.
//
// RESP3 shapes (checked against redis-server 7.0.15): HGETALL is a map; HRANDFIELD with a
// count and WITHVALUES is an array of [field, value] arrays (a flat array in RESP2).
//
// Loop thread only.
#include <algorithm>
#include <climits>
#include <cmath>
#include <unordered_set>
#include <utility>
#include <vector>

#include "commands/context.h"
#include "commands/families.h"
#include "commands/hashes.h"
#include "commands/key_args.h"
#include "common/random.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Hash;
using server::CommandContext;

namespace {

keyspace::HashLimits limits_of(CommandContext& ctx) {
    const auto& cfg = ctx.server.cfg();
    return {static_cast<size_t>(cfg.hash_max_listpack_entries),
            static_cast<size_t>(cfg.hash_max_listpack_value)};
}

std::span<const std::string_view> args_from(CommandContext& ctx, size_t first) {
    return std::span<const std::string_view>(ctx.args).subspan(first);
}

// The hash for a read command, or nullptr after replying (`empty` for a missing key, WRONGTYPE).
const Hash* read_or_reply(CommandContext& ctx, void (*empty)(CommandContext&)) {
    Result<const Hash*> r = op_hash_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return nullptr;
    }
    if (*r == nullptr) {
        empty(ctx);
    }
    return *r;
}

void reply_null(CommandContext& ctx) {
    ctx.reply.null();
}
void reply_zero(CommandContext& ctx) {
    ctx.reply.integer(0);
}
void reply_empty_array(CommandContext& ctx) {
    ctx.reply.empty_array();
}
void reply_empty_map(CommandContext& ctx) {
    ctx.reply.map(0);
}
void reply_empty_scan(CommandContext& ctx) {
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    ctx.reply.empty_array();
}

void hset_generic(CommandContext& ctx, bool hmset) {
    if (ctx.args.size() % 2 == 1) {
        ctx.reply.error(arity_error(hmset ? "hmset" : "hset"));
        return;
    }
    Result<long long> r =
        op_hset(op_args(ctx), ctx.args[1], first_slot(ctx), args_from(ctx, 2), limits_of(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    if (hmset) {
        ctx.reply.ok();
    } else {
        ctx.reply.integer(*r);
    }
    ctx.dirty += static_cast<long long>((ctx.args.size() - 2) / 2);
}

void cmd_hset(CommandContext& ctx) {
    hset_generic(ctx, false);
}
void cmd_hmset(CommandContext& ctx) {
    hset_generic(ctx, true);
}

void cmd_hsetnx(CommandContext& ctx) {
    Result<bool> r = op_hsetnx(op_args(ctx), ctx.args[1], first_slot(ctx), ctx.args[2], ctx.args[3],
                               limits_of(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r ? 1 : 0);
    ctx.dirty += *r ? 1 : 0;
}

void cmd_hget(CommandContext& ctx) {
    const Hash* h = read_or_reply(ctx, reply_null);
    if (h == nullptr) {
        return;
    }
    std::string_view v;
    if (h->get(ctx.args[2], &v)) {
        ctx.reply.bulk(v);
    } else {
        ctx.reply.null();
    }
}

void cmd_hmget(CommandContext& ctx) {
    Result<const Hash*> r = op_hash_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.array(ctx.args.size() - 2);
    for (size_t i = 2; i < ctx.args.size(); i++) {
        std::string_view v;
        if (*r != nullptr && (*r)->get(ctx.args[i], &v)) {
            ctx.reply.bulk(v);
        } else {
            ctx.reply.null();
        }
    }
}

void cmd_hdel(CommandContext& ctx) {
    Result<long long> r = op_hdel(op_args(ctx), ctx.args[1], first_slot(ctx), args_from(ctx, 2));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r);
    ctx.dirty += *r;
}

void cmd_hlen(CommandContext& ctx) {
    if (const Hash* h = read_or_reply(ctx, reply_zero)) {
        ctx.reply.integer(static_cast<long long>(h->size()));
    }
}

void cmd_hstrlen(CommandContext& ctx) {
    if (const Hash* h = read_or_reply(ctx, reply_zero)) {
        std::string_view v;
        ctx.reply.integer(h->get(ctx.args[2], &v) ? static_cast<long long>(v.size()) : 0);
    }
}

void cmd_hexists(CommandContext& ctx) {
    if (const Hash* h = read_or_reply(ctx, reply_zero)) {
        ctx.reply.integer(h->contains(ctx.args[2]) ? 1 : 0);
    }
}

void cmd_hkeys(CommandContext& ctx) {
    if (const Hash* h = read_or_reply(ctx, reply_empty_array)) {
        ctx.reply.array(h->size());
        h->for_each([&](std::string_view f, std::string_view) { ctx.reply.bulk(f); });
    }
}

void cmd_hvals(CommandContext& ctx) {
    if (const Hash* h = read_or_reply(ctx, reply_empty_array)) {
        ctx.reply.array(h->size());
        h->for_each([&](std::string_view, std::string_view v) { ctx.reply.bulk(v); });
    }
}

void cmd_hgetall(CommandContext& ctx) {
    if (const Hash* h = read_or_reply(ctx, reply_empty_map)) {
        ctx.reply.map(h->size());
        h->for_each([&](std::string_view f, std::string_view v) {
            ctx.reply.bulk(f);
            ctx.reply.bulk(v);
        });
    }
}

void cmd_hincrby(CommandContext& ctx) {
    long long incr = 0;
    if (!parse_ll(ctx.args[3], &incr)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    Result<long long> r =
        op_hincrby(op_args(ctx), ctx.args[1], first_slot(ctx), ctx.args[2], incr, limits_of(ctx));
    if (!r.ok()) {
        if (r.err() == Err::NotInteger) {
            ctx.reply.error("ERR hash value is not an integer");
        } else {
            reply_err(ctx, r.err());
        }
        return;
    }
    ctx.reply.integer(*r);
    ctx.dirty++;
}

void cmd_hincrbyfloat(CommandContext& ctx) {
    long double incr = 0;
    if (!parse_long_double(ctx.args[3], &incr)) {
        reply_err(ctx, Err::NotFloat);
        return;
    }
    if (std::isnan(incr) || std::isinf(incr)) {
        ctx.reply.error("ERR value is NaN or Infinity");
        return;
    }
    Result<std::string> r = op_hincrbyfloat(op_args(ctx), ctx.args[1], first_slot(ctx), ctx.args[2],
                                            incr, limits_of(ctx));
    if (!r.ok()) {
        if (r.err() == Err::NotFloat) {
            ctx.reply.error("ERR hash value is not a float");
        } else {
            reply_err(ctx, r.err());
        }
        return;
    }
    ctx.reply.bulk(*r);
    ctx.dirty++;
    ctx.rewritten = {"HSET", std::string(ctx.args[1]), std::string(ctx.args[2]), std::move(*r)};
}

// ---- HRANDFIELD key [count [WITHVALUES]] (hrandfieldCommand) -------------------------------

using Pair = std::pair<std::string_view, std::string_view>;

void reply_pair(CommandContext& ctx, const Pair& p, bool withvalues) {
    if (withvalues && ctx.reply.proto() > 2) {
        ctx.reply.array(2);
    }
    ctx.reply.bulk(p.first);
    if (withvalues) {
        ctx.reply.bulk(p.second);
    }
}

void reply_pairs_header(CommandContext& ctx, size_t n, bool withvalues) {
    ctx.reply.array(withvalues && ctx.reply.proto() == 2 ? n * 2 : n);
}

// Every pair of a listpack hash, for repeated random picks without a walk per pick.
std::vector<Pair> snapshot(const Hash* h) {
    std::vector<Pair> all;
    all.reserve(h->size());
    h->for_each([&](std::string_view f, std::string_view v) { all.emplace_back(f, v); });
    return all;
}

Pair random_pair(const Hash* h, const std::vector<Pair>& all) {
    if (!all.empty()) {
        return all[random_below(all.size())];
    }
    Pair p;
    h->random_pair(&p.first, &p.second);
    return p;
}

void hrandfield_with_count(CommandContext& ctx, long long l, bool withvalues) {
    const Hash* h = read_or_reply(ctx, reply_empty_array);
    if (h == nullptr) {
        return;
    }
    size_t size = h->size();
    bool uniq = l >= 0;
    auto count = static_cast<unsigned long long>(l >= 0 ? l : -l);
    if (count == 0) {
        ctx.reply.empty_array();
        return;
    }
    std::vector<Pair> all;
    if (h->encoding() == keyspace::Encoding::ListPack) {
        all = snapshot(h);
    }
    // Sampling with replacement: every pick independent and uniform.
    if (!uniq || count == 1) {
        reply_pairs_header(ctx, count, withvalues);
        for (unsigned long long i = 0; i < count; i++) {
            reply_pair(ctx, random_pair(h, all), withvalues);
        }
        return;
    }
    if (count >= size) {
        reply_pairs_header(ctx, size, withvalues);
        h->for_each([&](std::string_view f, std::string_view v) {
            reply_pair(ctx, Pair(f, v), withvalues);
        });
        return;
    }
    reply_pairs_header(ctx, count, withvalues);
    if (!all.empty() || count * 3 > size) {
        // Selection sampling (Knuth's algorithm S): one pass, each count-subset equally likely.
        unsigned long long need = count;
        unsigned long long left = size;
        h->for_each([&](std::string_view f, std::string_view v) {
            if (need > 0 && random_below(left) < need) {
                reply_pair(ctx, Pair(f, v), withvalues);
                need--;
            }
            left--;
        });
        return;
    }
    // A small sample of a big hashtable: fair random picks, duplicates skipped.
    std::unordered_set<const char*> seen;
    seen.reserve(count);
    while (seen.size() < count) {
        Pair p = random_pair(h, all);
        if (seen.insert(p.first.data()).second) {
            reply_pair(ctx, p, withvalues);
        }
    }
}

void cmd_hrandfield(CommandContext& ctx) {
    if (ctx.args.size() >= 3) {
        long long l = 0;
        if (!parse_ll(ctx.args[2], &l)) {
            reply_err(ctx, Err::NotInteger);
            return;
        }
        if (l < -LLONG_MAX) {
            ctx.reply.error(
                "ERR value is out of range, value must between -9223372036854775807 and "
                "9223372036854775807");
            return;
        }
        bool withvalues = false;
        if (ctx.args.size() > 4 || (ctx.args.size() == 4 && !iequals(ctx.args[3], "withvalues"))) {
            reply_err(ctx, Err::Syntax);
            return;
        }
        if (ctx.args.size() == 4) {
            withvalues = true;
            if (l < -LLONG_MAX / 2 || l > LLONG_MAX / 2) {
                ctx.reply.error("ERR value is out of range");
                return;
            }
        }
        hrandfield_with_count(ctx, l, withvalues);
        return;
    }
    const Hash* h = read_or_reply(ctx, reply_null);
    if (h != nullptr) {
        std::string_view f, v;
        h->random_pair(&f, &v);
        ctx.reply.bulk(f);
    }
}

// ---- HSCAN key cursor [MATCH pattern] [COUNT count] ----------------------------------------

void cmd_hscan(CommandContext& ctx) {
    uint64_t cursor = 0;
    if (!parse_scan_cursor(ctx.args[2], &cursor)) {
        ctx.reply.error("ERR invalid cursor");
        return;
    }
    const Hash* h = read_or_reply(ctx, reply_empty_scan);
    if (h == nullptr) {
        return;
    }
    Parsed<ScanOptions> opt = parse_scan_options(ctx.args, 3, false);
    if (!opt.ok()) {
        ctx.reply.error(opt.error());
        return;
    }
    std::vector<Pair> found;
    auto collect = [&](std::string_view f, std::string_view v) {
        if (!opt->has_pattern || glob_match(opt->pattern, f)) {
            found.emplace_back(f, v);
        }
    };
    // scanGenericCommand's bounds: COUNT counts fields and values alike, and at most 10*COUNT
    // buckets are visited per call however sparse the table.
    auto count = static_cast<size_t>(opt->count);
    long long max_steps = opt->count * 10;
    do {
        cursor = h->scan_step(cursor, collect);
    } while (cursor != 0 && max_steps-- > 0 && found.size() * 2 < count);
    ctx.reply.array(2);
    ctx.reply.bulk(std::to_string(cursor));
    ctx.reply.array(found.size() * 2);
    for (const Pair& p : found) {
        ctx.reply.bulk(p.first);
        ctx.reply.bulk(p.second);
    }
}

}  // namespace

void register_hash_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadonly;
    constexpr uint32_t kOom = kCmdDenyOom;
    constexpr uint32_t kF = kCmdFast;
    // name, arity, flags, first key, last key, step, handler, ACL categories (COMMAND INFO of
    // redis-server 7.0.15).
    const CommandDef defs[] = {
        {"hset", -4, kW | kOom | kF, 1, 1, 1, cmd_hset, "write hash fast"},
        {"hsetnx", 4, kW | kOom | kF, 1, 1, 1, cmd_hsetnx, "write hash fast"},
        {"hget", 3, kR | kF, 1, 1, 1, cmd_hget, "read hash fast"},
        {"hmset", -4, kW | kOom | kF, 1, 1, 1, cmd_hmset, "write hash fast"},
        {"hmget", -3, kR | kF, 1, 1, 1, cmd_hmget, "read hash fast"},
        {"hincrby", 4, kW | kOom | kF, 1, 1, 1, cmd_hincrby, "write hash fast"},
        {"hincrbyfloat", 4, kW | kOom | kF, 1, 1, 1, cmd_hincrbyfloat, "write hash fast"},
        {"hdel", -3, kW | kF, 1, 1, 1, cmd_hdel, "write hash fast"},
        {"hlen", 2, kR | kF, 1, 1, 1, cmd_hlen, "read hash fast"},
        {"hstrlen", 3, kR | kF, 1, 1, 1, cmd_hstrlen, "read hash fast"},
        {"hkeys", 2, kR, 1, 1, 1, cmd_hkeys, "read hash slow"},
        {"hvals", 2, kR, 1, 1, 1, cmd_hvals, "read hash slow"},
        {"hgetall", 2, kR, 1, 1, 1, cmd_hgetall, "read hash slow"},
        {"hexists", 3, kR | kF, 1, 1, 1, cmd_hexists, "read hash fast"},
        {"hrandfield", -2, kR, 1, 1, 1, cmd_hrandfield, "read hash slow"},
        {"hscan", -3, kR, 1, 1, 1, cmd_hscan, "read hash slow"},
    };
    for (const CommandDef& d : defs) {
        table.add(d);
    }
}

}  // namespace slotcache::commands
