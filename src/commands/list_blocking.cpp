// The blocking list commands (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP) and CLIENT UNBLOCK, on the
// server's blocking layer (server/blocking.h).
//
// Each command first tries to answer at once, exactly like its non-blocking form; when every
// key is empty it blocks, unless it runs inside MULTI/EXEC or from this node's master, where it
// answers the timeout reply at once (Redis 7.0: a blocking command never blocks in a
// transaction). Its ServeFn later redoes the pop on the one key that became ready.
//
// Propagated forms (redis-server 7.0.15's AOF), at once or when served:
//   BLPOP/BRPOP       -> LPOP/RPOP key
//   BLMOVE            -> LMOVE src dst wherefrom whereto
//   BRPOPLPUSH        -> RPOPLPUSH src dst
//   BLMPOP            -> LPOP/RPOP key <number popped>
//
// Loop thread only.
#include <climits>
#include <cmath>

#include "commands/blocking_args.h"
#include "commands/context.h"
#include "commands/list_family.h"
#include "commands/server_families.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::List;
using server::CommandContext;
using server::TimeoutReply;

// Redis 7.0's getTimeoutFromObjectOrReply with UNIT_SECONDS: a long double of seconds, cut to
// whole milliseconds; 0 (or a negative fraction that cuts to 0) blocks forever.
bool parse_timeout_or_reply(CommandContext& ctx, std::string_view arg, int64_t* deadline) {
    long double secs = 0;
    if (!parse_long_double(arg, &secs) || std::isnan(secs)) {
        ctx.reply.error("ERR timeout is not a float or out of range");
        return false;
    }
    long double ms_ld = secs * 1000.0L;
    // Redis casts to long long unchecked; on x86-64 any out-of-range value (1e100, inf) becomes
    // LLONG_MIN, so redis-server 7.0.15 answers "timeout is negative" for those.
    if (ms_ld >= static_cast<long double>(LLONG_MAX) ||
        ms_ld <= static_cast<long double>(LLONG_MIN)) {
        ctx.reply.error("ERR timeout is negative");
        return false;
    }
    long long ms = static_cast<long long>(ms_ld);
    if (ms < 0) {
        ctx.reply.error("ERR timeout is negative");
        return false;
    }
    if (ms > 0 && ms > LLONG_MAX - ctx.now_ms) {
        ctx.reply.error("ERR timeout is out of range");
        return false;
    }
    *deadline = ms > 0 ? ctx.now_ms + ms : 0;
    return true;
}

bool may_block(CommandContext& ctx) {
    return !ctx.server.in_transaction() && !ctx.client.has_flag(server::kClientMaster);
}

namespace {

// ---- BLPOP / BRPOP -------------------------------------------------------------------------

ListEnd bpop_end(const CommandContext& ctx) {
    return iequals(ctx.args[0], "blpop") ? ListEnd::Left : ListEnd::Right;
}

// Pops one element of key into the reply [key, value]. False when the key is absent; a key of
// another type replies WRONGTYPE (true).
bool bpop_one(CommandContext& ctx, std::string_view key, ListEnd end) {
    std::vector<std::string> vals;
    Result<bool> r = op_pop(op_args(ctx), key, key_slot(key), end, 1, &vals);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return true;
    }
    if (!*r)
        return false;
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.bulk(vals[0]);
    propagate_pop(ctx, end, key, 1, false);
    return true;
}

// Redis serves a waiter only when the ready key holds a list: a key that became a string
// keeps its waiters blocked.
bool holds_list(CommandContext& ctx, std::string_view key) {
    Result<List*> r = list_for_write(op_args(ctx), key, key_slot(key));
    return r.ok() && *r != nullptr;
}

bool serve_bpop(CommandContext& ctx, std::string_view key) {
    return holds_list(ctx, key) && bpop_one(ctx, key, bpop_end(ctx));
}

void cmd_bpop(CommandContext& ctx) {
    int64_t deadline = 0;
    if (!parse_timeout_or_reply(ctx, ctx.args.back(), &deadline))
        return;
    ListEnd end = bpop_end(ctx);
    std::vector<std::string_view> keys(ctx.args.begin() + 1, ctx.args.end() - 1);
    for (std::string_view key : keys) {
        if (bpop_one(ctx, key, end))
            return;
    }
    if (!may_block(ctx)) {
        ctx.reply.null_array();
        return;
    }
    ctx.server.block_on_keys(ctx, keys, deadline, serve_bpop, TimeoutReply::NullArray);
}

// ---- BLMOVE / BRPOPLPUSH -------------------------------------------------------------------

bool is_brpoplpush(const CommandContext& ctx) {
    return ctx.args.size() == 4;
}

bool blmove_ends(const CommandContext& ctx, ListEnd* from, ListEnd* to) {
    if (is_brpoplpush(ctx)) {
        *from = ListEnd::Right;
        *to = ListEnd::Left;
        return true;
    }
    return parse_list_end(ctx.args[3], from) && parse_list_end(ctx.args[4], to);
}

// Moves one element src -> dst replying the bulk; false when src is absent.
bool blmove_one(CommandContext& ctx) {
    ListEnd from;
    ListEnd to;
    (void)blmove_ends(ctx, &from, &to);
    std::string moved;
    std::string_view src = ctx.args[1];
    std::string_view dst = ctx.args[2];
    Result<bool> r = op_lmove(op_args(ctx), src, key_slot(src), dst, key_slot(dst), from, to,
                              list_fill(ctx), &moved);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return true;
    }
    if (!*r)
        return false;
    ctx.reply.bulk(moved);
    ctx.dirty++;
    if (is_brpoplpush(ctx)) {
        ctx.rewritten = {"RPOPLPUSH", std::string(src), std::string(dst)};
    } else {
        ctx.rewritten = {"LMOVE", std::string(src), std::string(dst), std::string(ctx.args[3]),
                         std::string(ctx.args[4])};
    }
    return true;
}

bool serve_blmove(CommandContext& ctx, std::string_view key) {
    return holds_list(ctx, key) && blmove_one(ctx);
}

void cmd_blmove(CommandContext& ctx) {
    ListEnd from;
    ListEnd to;
    if (!blmove_ends(ctx, &from, &to)) {
        reply_err(ctx, Err::Syntax);
        return;
    }
    int64_t deadline = 0;
    if (!parse_timeout_or_reply(ctx, ctx.args.back(), &deadline))
        return;
    if (blmove_one(ctx))
        return;
    if (!may_block(ctx)) {
        ctx.reply.null();
        return;
    }
    ctx.server.block_on_keys(ctx, {ctx.args[1]}, deadline, serve_blmove, TimeoutReply::NullBulk);
}

// ---- BLMPOP --------------------------------------------------------------------------------

bool blmpop_one(CommandContext& ctx, const MpopArgs& m, std::string_view key) {
    std::vector<std::string> vals;
    Result<bool> r = op_pop(op_args(ctx), key, key_slot(key), m.end, m.count, &vals);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return true;
    }
    if (!*r)
        return false;
    reply_popped(ctx, key, vals);
    propagate_pop(ctx, m.end, key, vals.size(), true);
    return true;
}

bool serve_blmpop(CommandContext& ctx, std::string_view key) {
    MpopArgs m;
    if (!parse_mpop_args(ctx, 2, &m))
        return true;  // parsed fine when it blocked
    return holds_list(ctx, key) && blmpop_one(ctx, m, key);
}

void cmd_blmpop(CommandContext& ctx) {
    int64_t deadline = 0;
    if (!parse_timeout_or_reply(ctx, ctx.args[1], &deadline))
        return;
    MpopArgs m;
    if (!parse_mpop_args(ctx, 2, &m))
        return;
    std::vector<std::string_view> keys;
    for (size_t i = 0; i < m.numkeys; i++) {
        std::string_view key = ctx.args[m.first_key + i];
        if (blmpop_one(ctx, m, key))
            return;
        keys.push_back(key);
    }
    if (!may_block(ctx)) {
        ctx.reply.null_array();
        return;
    }
    ctx.server.block_on_keys(ctx, keys, deadline, serve_blmpop, TimeoutReply::NullArray);
}

bool blmpop_keys(const std::vector<std::string_view>& args, std::vector<int>* out) {
    return mpop_keys(args, 2, out);
}

// ---- CLIENT UNBLOCK ------------------------------------------------------------------------

void client_unblock(CommandContext& ctx) {
    long long id = 0;
    if (!parse_ll(ctx.args[2], &id)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    bool error = false;
    if (ctx.args.size() == 4) {
        if (iequals(ctx.args[3], "error")) {
            error = true;
        } else if (!iequals(ctx.args[3], "timeout")) {
            ctx.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    } else if (ctx.args.size() > 4) {
        reply_err(ctx, Err::Syntax);
        return;
    }
    ctx.reply.integer(ctx.server.unblock_on_request(static_cast<uint64_t>(id), error) ? 1 : 0);
}

}  // namespace

void register_list_blocking_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kB = kCmdWrite | kCmdNoscript | kCmdBlocking;
    const CommandDef defs[] = {
        {"blpop", -3, kB, 1, -2, 1, cmd_bpop, "write list slow blocking"},
        {"brpop", -3, kB, 1, -2, 1, cmd_bpop, "write list slow blocking"},
        {"blmove", 6, kB | kCmdDenyOom, 1, 2, 1, cmd_blmove, "write list slow blocking"},
        {"brpoplpush", 4, kB | kCmdDenyOom, 1, 2, 1, cmd_blmove, "write list slow blocking"},
        {"blmpop", -5, kCmdWrite | kCmdBlocking | kCmdMovableKeys, 0, 0, 0, cmd_blmpop,
         "write list slow blocking", blmpop_keys},
    };
    for (const CommandDef& d : defs) {
        table.add(d);
    }
    (void)table.add_subcommand(
        "client", def("client|unblock", -3, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale, 0,
                      0, 0, client_unblock, "admin slow dangerous connection"));
}

}  // namespace slotcache::commands
