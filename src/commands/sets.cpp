// The set family's handlers and command table: parse, run the op_* (sets.h), reply, and set
// dirty / the propagated form as Redis 7.0 does:
//
//   SPOP key                 -> SREM key member
//   SPOP key count           -> DEL|UNLINK key when the whole set went (lazyfree-lazy-server-
//                               del picks UNLINK), else SREM key m1 m2 ... (one command with
//                               every popped member, where 7.0 sends one SREM per member
//                               inside MULTI/EXEC; the replica's dataset is the same and 7.2
//                               batches the same way)
//
// Replies are 7.0's: SMEMBERS, SINTER/SUNION/SDIFF and SPOP with count are sets (~ in RESP3),
// SRANDMEMBER with count an array. Checked against redis-server 7.0.15.
//
// Loop thread only.
#include <algorithm>
#include <climits>
#include <span>

#include "commands/context.h"
#include "commands/families.h"
#include "commands/key_args.h"
#include "commands/sets.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Set;
using keyspace::SetLimits;
using server::CommandContext;

namespace {

SetLimits set_limits(CommandContext& ctx) {
    const auto& c = ctx.server.cfg();
    auto cap = [](long long v, long long max) {
        return static_cast<size_t>(std::clamp(v, 0LL, max));
    };
    // Redis 7.2's intsetMaxEntries: an intset past 2^30 values would be slower than a table.
    return {cap(c.set_max_intset_entries, 1LL << 30), cap(c.set_max_listpack_entries, LLONG_MAX),
            cap(c.set_max_listpack_value, LLONG_MAX)};
}

std::span<const std::string_view> args_from(CommandContext& ctx, size_t first) {
    return std::span<const std::string_view>(ctx.args).subspan(first);
}

void reply_set_members(CommandContext& ctx, const Set* s) {
    if (s == nullptr) {
        ctx.reply.set(0);
        return;
    }
    ctx.reply.set(s->size());
    s->for_each([&ctx](std::string_view m) { ctx.reply.bulk(m); });
}

void cmd_sadd(CommandContext& ctx) {
    Result<long long> r =
        op_sadd(op_args(ctx), ctx.args[1], first_slot(ctx), args_from(ctx, 2), set_limits(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    ctx.reply.integer(*r);
    ctx.dirty += *r;
}

void cmd_srem(CommandContext& ctx) {
    Result<long long> r = op_srem(op_args(ctx), ctx.args[1], first_slot(ctx), args_from(ctx, 2));
    if (!r.ok())
        return reply_err(ctx, r.err());
    ctx.reply.integer(*r);
    ctx.dirty += *r;
}

void cmd_scard(CommandContext& ctx) {
    Result<Set*> r = op_set_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    ctx.reply.integer(*r == nullptr ? 0 : static_cast<long long>((*r)->size()));
}

void cmd_sismember(CommandContext& ctx) {
    Result<Set*> r = op_set_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    ctx.reply.integer(*r != nullptr && (*r)->contains(ctx.args[2]) ? 1 : 0);
}

void cmd_smismember(CommandContext& ctx) {
    Result<Set*> r = op_set_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    ctx.reply.array(ctx.args.size() - 2);
    for (size_t j = 2; j < ctx.args.size(); j++) {
        ctx.reply.integer(*r != nullptr && (*r)->contains(ctx.args[j]) ? 1 : 0);
    }
}

void cmd_smembers(CommandContext& ctx) {
    Result<Set*> r = op_set_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    reply_set_members(ctx, *r);
}

void reply_strings(CommandContext& ctx, const std::vector<std::string>& v, bool as_set) {
    if (as_set) {
        ctx.reply.set(v.size());
    } else {
        ctx.reply.array(v.size());
    }
    for (const std::string& m : v)
        ctx.reply.bulk(m);
}

void cmd_srandmember(CommandContext& ctx) {
    if (ctx.args.size() > 3)
        return reply_err(ctx, Err::Syntax);
    if (ctx.args.size() == 2) {
        Result<Set*> r = op_set_read(op_args(ctx), ctx.args[1], first_slot(ctx));
        if (!r.ok())
            return reply_err(ctx, r.err());
        if (*r == nullptr)
            return ctx.reply.null();
        char buf[keyspace::kIntBufLen];
        ctx.reply.bulk((*r)->random_member(buf));
        return;
    }
    long long count = 0;
    if (!parse_ll(ctx.args[2], &count))
        return reply_err(ctx, Err::NotInteger);
    if (count == LLONG_MIN) {
        ctx.reply.error(
            "ERR value is out of range, value must between -9223372036854775807 and "
            "9223372036854775807");
        return;
    }
    Result<Set*> r = op_set_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    if (*r == nullptr || count == 0)
        return ctx.reply.array(0);
    ctx.reply.array(srandmember_count(**r, count));
    srandmember_picks(**r, count, [&ctx](std::string_view m) { ctx.reply.bulk(m); });
}

void cmd_spop(CommandContext& ctx) {
    if (ctx.args.size() > 3)
        return reply_err(ctx, Err::Syntax);
    std::string key(ctx.args[1]);
    if (ctx.args.size() == 2) {
        Result<PopOne> r = op_spop_one(op_args(ctx), ctx.args[1], first_slot(ctx));
        if (!r.ok())
            return reply_err(ctx, r.err());
        if (!r->found)
            return ctx.reply.null();
        ctx.reply.bulk(r->member);
        ctx.dirty++;
        ctx.rewritten = {"SREM", std::move(key), std::move(r->member)};
        return;
    }
    long long count = 0;
    if (!parse_ll(ctx.args[2], &count))
        return reply_err(ctx, Err::NotInteger);
    if (count < 0)
        return ctx.reply.error("ERR value is out of range, must be positive");
    bool whole = false;
    Result<std::vector<std::string>> r = op_spop_count(op_args(ctx), ctx.args[1], first_slot(ctx),
                                                       static_cast<uint64_t>(count), &whole);
    if (!r.ok())
        return reply_err(ctx, r.err());
    reply_strings(ctx, *r, true);
    if (r->empty())
        return;
    ctx.dirty += static_cast<long long>(r->size());
    if (whole) {
        ctx.rewritten = {ctx.server.cfg().lazyfree_lazy_server_del ? "UNLINK" : "DEL", key};
        return;
    }
    ctx.rewritten.reserve(r->size() + 2);
    ctx.rewritten = {"SREM", std::move(key)};
    for (std::string& m : *r)
        ctx.rewritten.push_back(std::move(m));
}

void cmd_smove(CommandContext& ctx) {
    Result<long long> r =
        op_smove(op_args(ctx), ctx.args[1], ctx.args[2], ctx.args[3], set_limits(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    ctx.reply.integer(*r);
    if (*r == 1 && ctx.args[1] != ctx.args[2])
        ctx.dirty++;
}

void combine_generic(CommandContext& ctx, SetOp kind) {
    Result<std::unique_ptr<Set>> r =
        op_set_combine(op_args(ctx), kind, args_from(ctx, 1), false, set_limits(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    reply_set_members(ctx, r->get());
}

void store_generic(CommandContext& ctx, SetOp kind) {
    OpArgs op = op_args(ctx);
    Result<std::unique_ptr<Set>> r =
        op_set_combine(op, kind, args_from(ctx, 2), true, set_limits(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    auto size = static_cast<long long>((*r)->size());
    bool changed = op_store_set(op, ctx.args[1], std::move(*r));
    ctx.reply.integer(size);
    // Redis counts SUNIONSTORE/SDIFFSTORE as a change even when nothing was there to delete.
    if (changed || kind != SetOp::Inter)
        ctx.dirty++;
}

void cmd_sinter(CommandContext& ctx) {
    combine_generic(ctx, SetOp::Inter);
}
void cmd_sunion(CommandContext& ctx) {
    combine_generic(ctx, SetOp::Union);
}
void cmd_sdiff(CommandContext& ctx) {
    combine_generic(ctx, SetOp::Diff);
}
void cmd_sinterstore(CommandContext& ctx) {
    store_generic(ctx, SetOp::Inter);
}
void cmd_sunionstore(CommandContext& ctx) {
    store_generic(ctx, SetOp::Union);
}
void cmd_sdiffstore(CommandContext& ctx) {
    store_generic(ctx, SetOp::Diff);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void cmd_sintercard(CommandContext& ctx) {
    long long numkeys = 0;
    if (!parse_ll(ctx.args[1], &numkeys) || numkeys < 1) {
        return ctx.reply.error("ERR numkeys should be greater than 0");
    }
    if (numkeys > static_cast<long long>(ctx.args.size()) - 2) {
        return ctx.reply.error("ERR Number of keys can't be greater than number of args");
    }
    long long limit = 0;
    for (size_t j = 2 + static_cast<size_t>(numkeys); j < ctx.args.size(); j++) {
        if (iequals(ctx.args[j], "limit") && j + 1 < ctx.args.size()) {
            if (!parse_ll(ctx.args[j + 1], &limit) || limit < 0) {
                return ctx.reply.error("ERR LIMIT can't be negative");
            }
            j++;
        } else {
            return reply_err(ctx, Err::Syntax);
        }
    }
    Result<long long> r =
        op_sintercard(op_args(ctx), args_from(ctx, 2).first(static_cast<size_t>(numkeys)), limit);
    if (!r.ok())
        return reply_err(ctx, r.err());
    ctx.reply.integer(*r);
}

bool sintercard_keys(const std::vector<std::string_view>& args, std::vector<int>* out) {
    long long numkeys = 0;
    if (args.size() < 3 || !parse_ll(args[1], &numkeys) || numkeys < 1 ||
        numkeys > static_cast<long long>(args.size()) - 2) {
        return false;
    }
    for (long long j = 0; j < numkeys; j++)
        out->push_back(static_cast<int>(2 + j));
    return true;
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
void cmd_sscan(CommandContext& ctx) {
    uint64_t cursor = 0;
    if (!parse_scan_cursor(ctx.args[2], &cursor))
        return ctx.reply.error("ERR invalid cursor");
    Result<Set*> r = op_set_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok())
        return reply_err(ctx, r.err());
    if (*r == nullptr) {
        ctx.reply.array(2);
        ctx.reply.bulk("0");
        ctx.reply.array(0);
        return;
    }
    Parsed<ScanOptions> opt = parse_scan_options(ctx.args, 3, false);
    if (!opt.ok())
        return ctx.reply.error(opt.error());
    const ScanOptions& o = opt.value();
    std::vector<std::string_view> found;
    std::vector<std::string> ints;  // intset members need storage past the callback
    bool small = (*r)->encoding() != keyspace::Encoding::HashTable;
    auto collect = [&](std::string_view m) {
        if (o.has_pattern && !glob_match(o.pattern, m))
            return;
        if (small && (*r)->encoding() == keyspace::Encoding::IntSet) {
            ints.emplace_back(m);
            return;
        }
        found.push_back(m);
    };
    // Redis' bound on work per call: count * 10 steps when buckets are empty.
    uint64_t steps = static_cast<uint64_t>(o.count) * 10;
    size_t seen = 0;
    do {
        cursor = (*r)->scan(cursor, [&](std::string_view m) {
            seen++;
            collect(m);
        });
    } while (cursor != 0 && --steps > 0 && seen < static_cast<size_t>(o.count));
    ctx.reply.array(2);
    ctx.reply.bulk(std::to_string(cursor));
    ctx.reply.array(found.size() + ints.size());
    for (std::string_view m : found)
        ctx.reply.bulk(m);
    for (const std::string& m : ints)
        ctx.reply.bulk(m);
}

}  // namespace

void register_set_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadonly;
    constexpr uint32_t kOom = kCmdDenyOom;
    constexpr uint32_t kF = kCmdFast;
    // name, arity, flags, first key, last key, step, handler, ACL categories, key finder
    // (COMMAND INFO of redis-server 7.0.15; its key specs are commands/command_specs.cpp's).
    const CommandDef defs[] = {
        {"sadd", -3, kW | kOom | kF, 1, 1, 1, cmd_sadd, "write set fast"},
        {"srem", -3, kW | kF, 1, 1, 1, cmd_srem, "write set fast"},
        {"scard", 2, kR | kF, 1, 1, 1, cmd_scard, "read set fast"},
        {"sismember", 3, kR | kF, 1, 1, 1, cmd_sismember, "read set fast"},
        {"smismember", -3, kR | kF, 1, 1, 1, cmd_smismember, "read set fast"},
        {"smembers", 2, kR, 1, 1, 1, cmd_smembers, "read set slow"},
        {"srandmember", -2, kR, 1, 1, 1, cmd_srandmember, "read set slow"},
        {"spop", -2, kW | kF, 1, 1, 1, cmd_spop, "write set fast"},
        {"smove", 4, kW | kF, 1, 2, 1, cmd_smove, "write set fast"},
        {"sinter", -2, kR, 1, -1, 1, cmd_sinter, "read set slow"},
        {"sintercard", -3, kR | kCmdMovableKeys, 0, 0, 0, cmd_sintercard, "read set slow",
         sintercard_keys},
        {"sinterstore", -3, kW | kOom, 1, -1, 1, cmd_sinterstore, "write set slow"},
        {"sunion", -2, kR, 1, -1, 1, cmd_sunion, "read set slow"},
        {"sunionstore", -3, kW | kOom, 1, -1, 1, cmd_sunionstore, "write set slow"},
        {"sdiff", -2, kR, 1, -1, 1, cmd_sdiff, "read set slow"},
        {"sdiffstore", -3, kW | kOom, 1, -1, 1, cmd_sdiffstore, "write set slow"},
        {"sscan", -3, kR, 1, 1, 1, cmd_sscan, "read set slow"},
    };
    for (const CommandDef& d : defs) {
        table.add(d);
    }
}

}  // namespace slotcache::commands
