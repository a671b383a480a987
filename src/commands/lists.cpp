// The list family's non-blocking handlers and its command table (the blocking commands are in
// list_blocking.cpp). Propagated forms, as redis-server 7.0.15's AOF shows them:
//
//   LMPOP numkeys ... LEFT|RIGHT [COUNT n]  -> LPOP|RPOP key <number popped>
//   everything else                          -> as received
//
// A command that changed nothing (LPUSHX on a missing key, LPOP of a missing key, LREM that
// matched nothing, LINSERT without pivot) leaves dirty at 0 and is not propagated.
//
// Loop thread only.
#include "commands/list_family.h"

#include <climits>

#include "commands/context.h"
#include "commands/families.h"
#include "commands/lists.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::List;
using server::CommandContext;

int list_fill(CommandContext& ctx) {
    long long f = ctx.server.cfg().list_max_listpack_size;
    if (f < -5)
        f = -5;
    if (f > 65535)
        f = 65535;
    return static_cast<int>(f);
}

void reply_popped(CommandContext& ctx, std::string_view key, const std::vector<std::string>& vals) {
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.array(vals.size());
    for (const std::string& v : vals)
        ctx.reply.bulk(v);
}

bool parse_mpop_args(CommandContext& ctx, size_t numkeys_idx, MpopArgs* out) {
    const auto& a = ctx.args;
    long long numkeys = 0;
    if (!parse_ll(a[numkeys_idx], &numkeys) || numkeys < 1) {
        ctx.reply.error("ERR numkeys should be greater than 0");
        return false;
    }
    size_t where_idx = numkeys_idx + 1 + static_cast<size_t>(numkeys);
    if (numkeys > static_cast<long long>(a.size() - numkeys_idx - 1) || where_idx >= a.size() ||
        !parse_list_end(a[where_idx], &out->end)) {
        reply_err(ctx, Err::Syntax);
        return false;
    }
    out->first_key = numkeys_idx + 1;
    out->numkeys = static_cast<size_t>(numkeys);
    out->count = 1;
    bool seen_count = false;
    for (size_t j = where_idx + 1; j < a.size(); j++) {
        if (!seen_count && iequals(a[j], "count") && j + 1 < a.size()) {
            long long c = 0;
            if (!parse_ll(a[j + 1], &c) || c < 1) {
                ctx.reply.error("ERR count should be greater than 0");
                return false;
            }
            out->count = static_cast<size_t>(c);
            seen_count = true;
            j++;
        } else {
            reply_err(ctx, Err::Syntax);
            return false;
        }
    }
    return true;
}

void propagate_pop(CommandContext& ctx, ListEnd end, std::string_view key, size_t n,
                   bool with_count) {
    ctx.dirty += static_cast<long long>(n);
    ctx.rewritten = {end == ListEnd::Left ? "LPOP" : "RPOP", std::string(key)};
    if (with_count)
        ctx.rewritten.push_back(ll_to_string(static_cast<long long>(n)));
}

namespace {

void push_generic(CommandContext& ctx, ListEnd end, bool create) {
    std::span<const std::string_view> vals(ctx.args.data() + 2, ctx.args.size() - 2);
    Result<long long> r =
        op_push(op_args(ctx), ctx.args[1], first_slot(ctx), vals, end, create, list_fill(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r);
    if (*r > 0)
        ctx.dirty += static_cast<long long>(vals.size());
}

void cmd_lpush(CommandContext& ctx) {
    push_generic(ctx, ListEnd::Left, true);
}
void cmd_rpush(CommandContext& ctx) {
    push_generic(ctx, ListEnd::Right, true);
}
void cmd_lpushx(CommandContext& ctx) {
    push_generic(ctx, ListEnd::Left, false);
}
void cmd_rpushx(CommandContext& ctx) {
    push_generic(ctx, ListEnd::Right, false);
}

void pop_generic(CommandContext& ctx, ListEnd end) {
    if (ctx.args.size() > 3) {
        ctx.reply.error(arity_error(end == ListEnd::Left ? "lpop" : "rpop"));
        return;
    }
    bool has_count = ctx.args.size() == 3;
    long long count = 1;
    if (has_count) {
        // getPositiveLongFromObjectOrReply: one message for "not a number" and "negative".
        if (!parse_ll(ctx.args[2], &count) || count < 0) {
            ctx.reply.error("ERR value is out of range, must be positive");
            return;
        }
    }
    // Reused across calls (loop thread only): LPOP/RPOP of short values allocate nothing.
    static std::vector<std::string> vals;
    Result<bool> r =
        op_pop(op_args(ctx), ctx.args[1], first_slot(ctx), end, static_cast<size_t>(count), &vals);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    if (!*r) {
        has_count ? ctx.reply.null_array() : ctx.reply.null();
        return;
    }
    if (has_count) {
        ctx.reply.array(vals.size());
        for (const std::string& v : vals)
            ctx.reply.bulk(v);
    } else {
        ctx.reply.bulk(vals[0]);
    }
    ctx.dirty += static_cast<long long>(vals.size());
    // Keep the scratch small: a big LPOP count or a huge element must not stay allocated.
    if (vals.size() > 16 || (!vals.empty() && vals[0].capacity() > 1024)) {
        vals.clear();
        vals.shrink_to_fit();
    }
}

void cmd_lpop(CommandContext& ctx) {
    pop_generic(ctx, ListEnd::Left);
}
void cmd_rpop(CommandContext& ctx) {
    pop_generic(ctx, ListEnd::Right);
}

void cmd_llen(CommandContext& ctx) {
    Result<List*> r = list_for_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r ? static_cast<long long>((*r)->size()) : 0);
}

void cmd_lindex(CommandContext& ctx) {
    long long index = 0;
    // Redis looks the key up before parsing the index.
    Result<List*> r = list_for_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    if (!parse_ll(ctx.args[2], &index)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    const List* l = *r;
    if (l == nullptr) {
        ctx.reply.null();
        return;
    }
    long long len = static_cast<long long>(l->size());
    if (index < 0)
        index += len;
    if (index < 0 || index >= len) {
        ctx.reply.null();
        return;
    }
    char buf[keyspace::kIntBufLen];
    ctx.reply.bulk(l->at(static_cast<size_t>(index), buf));
}

void cmd_lrange(CommandContext& ctx) {
    long long start = 0;
    long long end = 0;
    if (!parse_ll(ctx.args[2], &start) || !parse_ll(ctx.args[3], &end)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    Result<List*> r = list_for_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    size_t from = 0;
    size_t n = 0;
    if (*r == nullptr || !list_range(static_cast<long long>((*r)->size()), start, end, &from, &n)) {
        ctx.reply.empty_array();
        return;
    }
    ctx.reply.array(n);
    List::Iter it(**r, from, false);
    std::string_view v;
    for (size_t i = 0; i < n && it.next(&v); i++)
        ctx.reply.bulk(v);
}

void cmd_ltrim(CommandContext& ctx) {
    long long start = 0;
    long long end = 0;
    if (!parse_ll(ctx.args[2], &start) || !parse_ll(ctx.args[3], &end)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    Result<size_t> r = op_ltrim(op_args(ctx), ctx.args[1], first_slot(ctx), start, end);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.ok();
    // Redis propagates LTRIM whenever the key existed (signalModifiedKey + server.dirty += ltrim
    // + rtrim): a trim that removed nothing is not propagated, but it still touches the key for
    // WATCH (the generic signal follows dirty, so it is sent here).
    ctx.dirty += static_cast<long long>(*r);
    if (*r == 0 && ctx.db.find(ctx.args[1], first_slot(ctx)) != nullptr) {
        ctx.server.signal_modified_key(ctx.db.id(), ctx.args[1]);
    }
}

void cmd_lset(CommandContext& ctx) {
    long long index = 0;
    if (!parse_ll(ctx.args[2], &index)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    Result<bool> r = op_lset(op_args(ctx), ctx.args[1], first_slot(ctx), index, ctx.args[3]);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.ok();
    ctx.dirty++;
}

void cmd_linsert(CommandContext& ctx) {
    bool after = false;
    if (iequals(ctx.args[2], "after")) {
        after = true;
    } else if (!iequals(ctx.args[2], "before")) {
        reply_err(ctx, Err::Syntax);
        return;
    }
    Result<long long> r =
        op_linsert(op_args(ctx), ctx.args[1], first_slot(ctx), after, ctx.args[3], ctx.args[4]);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r);
    if (*r > 0)
        ctx.dirty++;
}

void cmd_lrem(CommandContext& ctx) {
    long long count = 0;
    if (!parse_ll(ctx.args[2], &count)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    Result<long long> r = op_lrem(op_args(ctx), ctx.args[1], first_slot(ctx), count, ctx.args[3]);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r);
    ctx.dirty += *r;
}

void cmd_lpos(CommandContext& ctx) {
    LposOptions o;
    const auto& a = ctx.args;
    for (size_t j = 3; j < a.size(); j++) {
        bool has_arg = j + 1 < a.size();
        long long v = 0;
        if (!has_arg) {
            reply_err(ctx, Err::Syntax);
            return;
        }
        bool is_rank = iequals(a[j], "rank");
        bool is_count = iequals(a[j], "count");
        bool is_maxlen = iequals(a[j], "maxlen");
        if (!is_rank && !is_count && !is_maxlen) {
            reply_err(ctx, Err::Syntax);
            return;
        }
        if (!parse_ll(a[j + 1], &v)) {
            reply_err(ctx, Err::NotInteger);
            return;
        }
        if (is_rank) {
            if (v == 0) {
                ctx.reply.error(
                    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the "
                    "second ... or use negative to start from the end of the list");
                return;
            }
            o.rank = v;
        } else if (is_count) {
            if (v < 0) {
                ctx.reply.error("ERR COUNT can't be negative");
                return;
            }
            o.count = v;
        } else {
            if (v < 0) {
                ctx.reply.error("ERR MAXLEN can't be negative");
                return;
            }
            o.maxlen = v;
        }
        j++;
    }
    Result<std::vector<long long>> r = op_lpos(op_args(ctx), a[1], first_slot(ctx), a[2], o);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    if (o.count == -1) {
        if (r->empty()) {
            ctx.reply.null();
        } else {
            ctx.reply.integer((*r)[0]);
        }
        return;
    }
    ctx.reply.array(r->size());
    for (long long i : *r)
        ctx.reply.integer(i);
}

void lmove_generic(CommandContext& ctx, ListEnd from, ListEnd to) {
    std::string moved;
    Result<bool> r = op_lmove(op_args(ctx), ctx.args[1], first_slot(ctx), ctx.args[2],
                              key_slot(ctx.args[2]), from, to, list_fill(ctx), &moved);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    if (!*r) {
        ctx.reply.null();
        return;
    }
    ctx.reply.bulk(moved);
    ctx.dirty++;
}

void cmd_lmove(CommandContext& ctx) {
    ListEnd from;
    ListEnd to;
    if (!parse_list_end(ctx.args[3], &from) || !parse_list_end(ctx.args[4], &to)) {
        reply_err(ctx, Err::Syntax);
        return;
    }
    lmove_generic(ctx, from, to);
}

void cmd_rpoplpush(CommandContext& ctx) {
    lmove_generic(ctx, ListEnd::Right, ListEnd::Left);
}

void cmd_lmpop(CommandContext& ctx) {
    MpopArgs m;
    if (!parse_mpop_args(ctx, 1, &m))
        return;
    OpArgs op = op_args(ctx);
    std::vector<std::string> vals;
    for (size_t i = 0; i < m.numkeys; i++) {
        std::string_view key = ctx.args[m.first_key + i];
        Result<bool> r = op_pop(op, key, key_slot(key), m.end, m.count, &vals);
        if (!r.ok()) {
            reply_err(ctx, r.err());
            return;
        }
        if (*r) {
            reply_popped(ctx, key, vals);
            propagate_pop(ctx, m.end, key, vals.size(), true);
            return;
        }
    }
    ctx.reply.null_array();
}

bool lmpop_keys(const std::vector<std::string_view>& args, std::vector<int>* out) {
    return mpop_keys(args, 1, out);
}

}  // namespace

bool mpop_keys(const std::vector<std::string_view>& args, size_t numkeys_idx,
               std::vector<int>* out) {
    out->clear();
    long long n = 0;
    if (numkeys_idx >= args.size() || !parse_ll(args[numkeys_idx], &n) || n < 1 ||
        n > static_cast<long long>(args.size() - numkeys_idx - 1)) {
        return false;
    }
    for (long long i = 0; i < n; i++)
        out->push_back(static_cast<int>(numkeys_idx + 1 + i));
    return true;
}

void register_list_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadonly;
    constexpr uint32_t kOom = kCmdDenyOom;
    constexpr uint32_t kF = kCmdFast;
    // name, arity, flags, first key, last key, step, handler, ACL categories (COMMAND INFO of
    // redis-server 7.0.15).
    const CommandDef defs[] = {
        {"lpush", -3, kW | kOom | kF, 1, 1, 1, cmd_lpush, "write list fast"},
        {"rpush", -3, kW | kOom | kF, 1, 1, 1, cmd_rpush, "write list fast"},
        {"lpushx", -3, kW | kOom | kF, 1, 1, 1, cmd_lpushx, "write list fast"},
        {"rpushx", -3, kW | kOom | kF, 1, 1, 1, cmd_rpushx, "write list fast"},
        {"lpop", -2, kW | kF, 1, 1, 1, cmd_lpop, "write list fast"},
        {"rpop", -2, kW | kF, 1, 1, 1, cmd_rpop, "write list fast"},
        {"llen", 2, kR | kF, 1, 1, 1, cmd_llen, "read list fast"},
        {"lindex", 3, kR, 1, 1, 1, cmd_lindex, "read list slow"},
        {"linsert", 5, kW | kOom, 1, 1, 1, cmd_linsert, "write list slow"},
        {"lrange", 4, kR, 1, 1, 1, cmd_lrange, "read list slow"},
        {"lrem", 4, kW, 1, 1, 1, cmd_lrem, "write list slow"},
        {"lset", 4, kW | kOom, 1, 1, 1, cmd_lset, "write list slow"},
        {"ltrim", 4, kW, 1, 1, 1, cmd_ltrim, "write list slow"},
        {"lpos", -3, kR, 1, 1, 1, cmd_lpos, "read list slow"},
        {"lmove", 5, kW | kOom, 1, 2, 1, cmd_lmove, "write list slow"},
        {"rpoplpush", 3, kW | kOom, 1, 2, 1, cmd_rpoplpush, "write list slow"},
        {"lmpop", -4, kW | kCmdMovableKeys, 0, 0, 0, cmd_lmpop, "write list slow", lmpop_keys},
    };
    for (const CommandDef& d : defs) {
        table.add(d);
    }
    register_list_blocking_commands(table);
}

}  // namespace slotcache::commands
