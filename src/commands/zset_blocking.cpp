// The blocking sorted-set pops BZPOPMIN BZPOPMAX BZMPOP, on the server's blocking layer
// (server/blocking.h), the same way list_blocking.cpp does the list ones: answer at once like
// the non-blocking form when a key holds a zset, else block (never inside MULTI/EXEC or from
// this node's master, where the timeout reply comes at once); the ServeFn redoes the pop on the
// key that became ready, and leaves the waiter blocked when that key holds another type.
//
// Replies (Redis 7.0's genericZpopCommand with emitkey): BZPOPMIN/BZPOPMAX a flat [key,
// member, score] in both protocols, a null array on timeout; BZMPOP as ZMPOP.
// Propagated forms (Redis 7.0), at once or when served: BZPOPMIN/BZPOPMAX -> ZPOPMIN/ZPOPMAX
// key; BZMPOP -> ZPOPMIN/ZPOPMAX key count.
//
// Loop thread only.
#include "commands/blocking_args.h"
#include "commands/context.h"
#include "commands/zsets.h"
#include "commands/zsets_reply.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::ZSet;
using server::CommandContext;
using server::TimeoutReply;

namespace {

bool bzpop_max(const CommandContext& ctx) {
    return iequals(ctx.args[0], "bzpopmax");
}

// Pops one element of key into [key, member, score]. False when the key is absent; a key of
// another type replies WRONGTYPE (true).
bool bzpop_one(CommandContext& ctx, std::string_view key) {
    bool max = bzpop_max(ctx);
    Result<ZPopped> r = op_zpop(op_args(ctx), key, key_slot(key), max, 1);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return true;
    }
    if (r->empty()) {
        return false;
    }
    ctx.reply.array(3);
    ctx.reply.bulk(key);
    ctx.reply.bulk((*r)[0].first);
    ctx.reply.dbl((*r)[0].second);
    ctx.dirty++;
    ctx.rewritten = {max ? "ZPOPMAX" : "ZPOPMIN", std::string(key)};
    return true;
}

// Redis serves a waiter only when the ready key holds a zset.
bool holds_zset(CommandContext& ctx, std::string_view key) {
    Result<ZSet*> z = zset_write(op_args(ctx), key, key_slot(key));
    return z.ok() && *z != nullptr;
}

bool serve_bzpop(CommandContext& ctx, std::string_view key) {
    return holds_zset(ctx, key) && bzpop_one(ctx, key);
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout
void cmd_bzpop(CommandContext& ctx) {
    int64_t deadline = 0;
    if (!parse_timeout_or_reply(ctx, ctx.args.back(), &deadline)) {
        return;
    }
    std::vector<std::string_view> keys(ctx.args.begin() + 1, ctx.args.end() - 1);
    for (std::string_view key : keys) {
        if (bzpop_one(ctx, key)) {
            return;
        }
    }
    if (!may_block(ctx)) {
        ctx.reply.null_array();
        return;
    }
    ctx.server.block_on_keys(ctx, keys, deadline, serve_bzpop, TimeoutReply::NullArray);
}

bool serve_bzmpop(CommandContext& ctx, std::string_view key) {
    ZmpopArgs m;
    if (!parse_zmpop_args(ctx, 2, &m)) {
        return true;  // parsed fine when it blocked
    }
    return holds_zset(ctx, key) && zmpop_one(ctx, m, key);
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
void cmd_bzmpop(CommandContext& ctx) {
    int64_t deadline = 0;
    if (!parse_timeout_or_reply(ctx, ctx.args[1], &deadline)) {
        return;
    }
    ZmpopArgs m;
    if (!parse_zmpop_args(ctx, 2, &m)) {
        return;
    }
    std::vector<std::string_view> keys;
    for (size_t i = 0; i < m.numkeys; i++) {
        std::string_view key = ctx.args[m.first_key + i];
        if (zmpop_one(ctx, m, key)) {
            return;
        }
        keys.push_back(key);
    }
    if (!may_block(ctx)) {
        ctx.reply.null_array();
        return;
    }
    ctx.server.block_on_keys(ctx, keys, deadline, serve_bzmpop, TimeoutReply::NullArray);
}

// BZMPOP's keys: numkeys at index 2.
bool bzmpop_keys(const std::vector<std::string_view>& args, std::vector<int>* out) {
    long long n = 0;
    if (args.size() < 4 || !parse_ll(args[2], &n) || n < 1 ||
        n > static_cast<long long>(args.size()) - 4) {
        return false;
    }
    out->clear();
    for (long long i = 0; i < n; i++) {
        out->push_back(3 + static_cast<int>(i));
    }
    return true;
}

}  // namespace

void add_zset_blocking_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kB = kCmdWrite | kCmdNoscript | kCmdBlocking;
    CommandDef defs[] = {
        {"bzpopmin", -3, kB | kCmdFast, 1, -2, 1, cmd_bzpop, "write sortedset fast blocking"},
        {"bzpopmax", -3, kB | kCmdFast, 1, -2, 1, cmd_bzpop, "write sortedset fast blocking"},
        {"bzmpop", -5, kCmdWrite | kCmdBlocking | kCmdMovableKeys, 0, 0, 0, cmd_bzmpop,
         "write sortedset slow blocking", bzmpop_keys},
    };
    for (CommandDef& d : defs) {
        table.add(std::move(d));
    }
}

}  // namespace slotcache::commands
