// MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis 7.0's multi.c). The queueing itself is the
// dispatcher's (server/dispatch.cpp, step 11): a command checked like any other is copied into
// the client's MultiState and answered +QUEUED; a command refused there marks the transaction,
// and EXEC answers EXECABORT. In cluster mode EXEC routes the keys of all queued commands
// together; WATCH is a keyed command, routed (MOVED, CROSSSLOT) like any other.
//
// WATCH records keys in the server's WatchTable (server/watch.h); a touched key makes EXEC
// answer a null array. WATCH inside MULTI is not queued (the dispatcher runs it) and answers
// an error that does not abort the transaction; UNWATCH inside MULTI is queued, as in Redis.
//
// MIGRATE and WAIT are refused inside MULTI because their replies come later than an EXEC can
// wait.
//
// Loop thread only.
#include "commands/migrate.h"
#include "commands/server_families.h"
#include "server/server.h"

namespace slotcache::commands {

using server::CommandContext;

namespace {

void multi_command(CommandContext& ctx) {
    if (ctx.client.multi) {
        ctx.reply.error("ERR MULTI calls can not be nested");
        return;
    }
    ctx.client.multi = std::make_unique<server::Client::MultiState>();
    ctx.reply.ok();
}

void exec_command(CommandContext& ctx) {
    if (!ctx.client.multi) {
        ctx.reply.error("ERR EXEC without MULTI");
        return;
    }
    ctx.server.run_transaction(ctx.client, ctx.reply);
}

void discard_command(CommandContext& ctx) {
    if (!ctx.client.multi) {
        ctx.reply.error("ERR DISCARD without MULTI");
        return;
    }
    ctx.server.discard_transaction(ctx.client);
    ctx.reply.ok();
}

void watch_command(CommandContext& ctx) {
    if (ctx.client.multi) {
        ctx.reply.error("ERR WATCH inside MULTI is not allowed");
        return;
    }
    // Already doomed: watching more cannot change the outcome (Redis' watchCommand).
    if (!ctx.client.watch.dirty) {
        for (size_t i = 1; i < ctx.args.size(); i++) ctx.server.watch_key(ctx.client, ctx.args[i]);
    }
    ctx.reply.ok();
}

void unwatch_command(CommandContext& ctx) {
    ctx.server.unwatch_all(ctx.client);
    ctx.reply.ok();
}

}  // namespace

void register_transaction_commands(server::CommandTable& t) {
    using namespace server;
    // Flags and ACL categories are Redis 7.0.15's COMMAND INFO.
    t.add(def("multi", 1, kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy, 0,
              0, 0, multi_command, "fast transaction"));
    t.add(def("exec", 1, kCmdNoscript | kCmdLoading | kCmdStale | kCmdSkipSlowlog, 0, 0, 0,
              exec_command, "slow transaction"));
    t.add(def("discard", 1, kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy,
              0, 0, 0, discard_command, "fast transaction"));
    t.add(def("watch", -2, kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy, 1,
              -1, 1, watch_command, "fast transaction"));
    t.add(def("unwatch", 1, kCmdNoscript | kCmdLoading | kCmdStale | kCmdFast | kCmdAllowBusy,
              0, 0, 0, unwatch_command, "fast transaction"));
}

}  // namespace slotcache::commands
