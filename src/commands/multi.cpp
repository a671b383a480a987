// MULTI, EXEC, DISCARD: the part of Redis 7.0's transactions that `redis-cli --cluster fix`
// relies on (it assigns a slot with MULTI, CLUSTER DELSLOTS, CLUSTER ADDSLOTS, CLUSTER
// BUMPEPOCH, EXEC). The queueing itself is the dispatcher's (server/dispatch.cpp, step 11):
// a command checked like any other is copied into the client's MultiState and answered
// +QUEUED; a command refused there marks the transaction, and EXEC answers EXECABORT. In
// cluster mode EXEC routes the keys of all queued commands together.
//
// Not here yet (issue 8): WATCH / UNWATCH; MIGRATE and WAIT are refused inside MULTI because
// their replies come later than an EXEC can wait.
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
    ctx.client.multi.reset();
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
}

}  // namespace slotcache::commands
