// Admin commands: DBSIZE FLUSHALL FLUSHDB SWAPDB MOVE CONFIG TIME SLOWLOG SHUTDOWN.
// (DEBUG is in server_debug.cpp; INFO and COMMAND in server_introspect.cpp.)
//
// FLUSHDB and FLUSHALL count the keys they removed as changes and always reach the replicas
// (Redis' forceCommandPropagation). FLUSHALL also stops a running BGSAVE and, with save points
// configured, writes the now empty snapshot (which resets the change counter), as Redis 7.0's
// flushAllDataAndResetRDB does.
//
// SHUTDOWN's snapshot and exit are the Server's (Server::shutdown); this file only parses.
//
// FLUSHDB/FLUSHALL ASYNC hand the old tables to the keyspace's lazy-free thread
// (keyspace/lazyfree.h), so a flush of millions of keys does not stall the loop; that thread
// registers with the memory accounting so the freed bytes are counted (keyspace/memory.h).
#include <sys/time.h>

#include "commands/context.h"
#include "commands/server_families.h"
#include "common/clock.h"
#include "common/crc16.h"
#include "common/log.h"
#include "common/strutil.h"
#include "keyspace/lazyfree.h"
#include "keyspace/memory.h"
#include "server/server.h"

namespace slotcache::commands {

using server::CommandContext;
using server::CommandDef;

namespace {

void dbsize_command(CommandContext& ctx) { ctx.reply.integer(static_cast<long long>(ctx.db.size())); }

// FLUSHALL/FLUSHDB [ASYNC|SYNC]: returns false after replying with an error.
bool parse_flush_mode(CommandContext& ctx, bool* async) {
    *async = ctx.server.cfg().lazyfree_lazy_user_flush;
    if (ctx.args.size() == 1) return true;
    if (ctx.args.size() == 2 && iequals(ctx.args[1], "ASYNC")) {
        *async = true;
        return true;
    }
    if (ctx.args.size() == 2 && iequals(ctx.args[1], "SYNC")) {
        *async = false;
        return true;
    }
    ctx.reply.error(err_text(Err::Syntax));
    return false;
}

// Empties db; returns how many keys it held. WATCHers of keys that existed are told first.
long long flush_db(CommandContext& ctx, keyspace::Db& db, bool async) {
    ctx.server.signal_flushed_db(db.id());
    auto removed = static_cast<long long>(db.size());
    if (async && removed > 0) {
        ctx.server.keyspace().lazyfree().free_db(db.detach(), static_cast<size_t>(removed));
    } else {
        db.clear();
    }
    return removed;
}

void flushdb_command(CommandContext& ctx) {
    bool async = false;
    if (!parse_flush_mode(ctx, &async)) return;
    ctx.dirty += flush_db(ctx, ctx.db, async);
    ctx.force_propagate = true;
    ctx.reply.ok();
}

void flushall_command(CommandContext& ctx) {
    bool async = false;
    if (!parse_flush_mode(ctx, &async)) return;
    auto& ks = ctx.server.keyspace();
    long long removed = 0;
    for (int i = 0; i < ks.db_count(); i++) removed += flush_db(ctx, ks.db(i), async);
    ctx.force_propagate = true;
    auto& snap = ctx.server.snapshotter();
    // The child's image holds the data just flushed: it must not become the snapshot.
    snap.kill_child();
    std::string err;
    // A saved snapshot includes the flush, so the change counter stays at the save's 0; a
    // failed save was logged and the flush counts as changes, as in Redis.
    bool saved = !ctx.server.cfg().save.empty() && snap.save(ctx.now_ms, &err, false);
    ctx.dirty = saved ? 0 : removed;
    ctx.reply.ok();
}

void swapdb_command(CommandContext& ctx) {
    if (ctx.server.cfg().cluster_enabled) {
        ctx.reply.error("ERR SWAPDB is not allowed in cluster mode");
        return;
    }
    long long a = 0, b = 0;
    if (!parse_ll(ctx.args[1], &a)) {
        ctx.reply.error("ERR invalid first DB index");
        return;
    }
    if (!parse_ll(ctx.args[2], &b)) {
        ctx.reply.error("ERR invalid second DB index");
        return;
    }
    auto& ks = ctx.server.keyspace();
    if (a < 0 || a >= ks.db_count() || b < 0 || b >= ks.db_count()) {
        ctx.reply.error(err_text(Err::InvalidDb));
        return;
    }
    if (a != b) {
        ctx.server.signal_swapdb(static_cast<int>(a), static_cast<int>(b));
        ks.swap_db(static_cast<int>(a), static_cast<int>(b));
        // Keys clients wait for may exist now in either db (Redis' scanDatabaseForReadyKeys).
        ctx.server.signal_db_ready(static_cast<int>(a));
        ctx.server.signal_db_ready(static_cast<int>(b));
    }
    ctx.dirty++;
    ctx.reply.ok();
}

void move_command(CommandContext& ctx) {
    if (ctx.server.cfg().cluster_enabled) {
        ctx.reply.error("ERR MOVE is not allowed in cluster mode");
        return;
    }
    long long target = 0;
    auto& ks = ctx.server.keyspace();
    if (!parse_ll(ctx.args[2], &target) || target < 0 || target >= ks.db_count()) {
        ctx.reply.error(err_text(Err::InvalidDb));
        return;
    }
    if (target == ctx.db.id()) {
        ctx.reply.error(err_text(Err::SameObject));
        return;
    }
    uint16_t slot = static_cast<uint16_t>(ctx.slot);
    uint32_t flags = keyspace::kLookupNoTouch | lookup_flags(ctx);
    keyspace::Entry* e = ctx.db.lookup(ctx.args[1], slot, ctx.now_ms, flags);
    if (!e) {
        ctx.reply.integer(0);
        return;
    }
    keyspace::Db& dst = ks.db(static_cast<int>(target));
    if (dst.lookup(ctx.args[1], slot, ctx.now_ms, flags)) {
        ctx.reply.integer(0);
        return;
    }
    ctx.db.move_to(e, dst);
    ctx.server.signal_modified_key(ctx.db.id(), ctx.args[1]);
    ctx.server.signal_modified_key(dst.id(), ctx.args[1]);
    ctx.keys_signalled = true;
    ctx.server.signal_key_ready(dst.id(), ctx.args[1]);  // a client may wait for it there
    ctx.dirty++;
    ctx.reply.integer(1);
}

void time_command(CommandContext& ctx) {
    int64_t us = unix_us();
    ctx.reply.array(2);
    ctx.reply.bulk(ll_to_string(us / 1000000));
    ctx.reply.bulk(ll_to_string(us % 1000000));
}

void config_get(CommandContext& ctx) {
    std::vector<std::string_view> patterns(ctx.args.begin() + 2, ctx.args.end());
    auto pairs = ctx.server.config().get(patterns);
    ctx.reply.map(pairs.size());
    for (auto& [k, v] : pairs) {
        ctx.reply.bulk(k);
        ctx.reply.bulk(v);
    }
}

void config_set(CommandContext& ctx) {
    if (ctx.args.size() % 2 != 0) {
        ctx.reply.error("ERR wrong number of arguments for 'config|set' command");
        return;
    }
    std::vector<std::string_view> pairs(ctx.args.begin() + 2, ctx.args.end());
    std::string err = ctx.server.config().set(pairs, ctx.client.conn().is_loopback());
    if (err.empty()) {
        ctx.reply.ok();
    } else {
        ctx.reply.error(err);
    }
}

void config_resetstat(CommandContext& ctx) {
    auto& s = ctx.server.stats();
    s = server::Stats{};
    ctx.server.keyspace().reset_stats();
    ctx.server.keyspace().lazyfree().reset_stats();
    ctx.server.slowlog().reset();
    keyspace::reset_peak();
    for (auto& cmd : ctx.server.commands().all()) {
        cmd->calls = cmd->usec = cmd->rejected_calls = cmd->failed_calls = 0;
        for (auto& sub : cmd->subcommands) {
            sub.calls = sub.usec = sub.rejected_calls = sub.failed_calls = 0;
        }
    }
    ctx.reply.ok();
}

void config_rewrite(CommandContext& ctx) {
    std::string err = ctx.server.config().rewrite();
    if (err.empty()) {
        LOG_NOTICE("CONFIG REWRITE executed with success.");
        ctx.reply.ok();
    } else {
        LOG_WARNING("CONFIG REWRITE failed: %s", err.c_str());
        ctx.reply.error(err);
    }
}

void config_help(CommandContext& ctx) {
    static const char* lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
        "HELP",
        "    Print this help.",
    };
    ctx.reply.array(std::size(lines));
    for (const char* l : lines) ctx.reply.simple(l);
}

void slowlog_get(CommandContext& ctx) {
    long long count = 10;
    if (ctx.args.size() == 3) {
        if (!parse_ll(ctx.args[2], &count) || count < -1) {
            ctx.reply.error("ERR count should be greater than or equal to -1");
            return;
        }
        if (count == -1) count = INT64_MAX;
    }
    const auto& entries = ctx.server.slowlog().entries();
    size_t n = entries.size() < static_cast<size_t>(count) ? entries.size()
                                                           : static_cast<size_t>(count);
    ctx.reply.array(n);
    for (size_t i = 0; i < n; i++) {
        const auto& e = entries[i];
        ctx.reply.array(6);
        ctx.reply.integer(static_cast<long long>(e.id));
        ctx.reply.integer(e.time_sec);
        ctx.reply.integer(e.duration_us);
        ctx.reply.array(e.args.size());
        for (const auto& a : e.args) ctx.reply.bulk(a);
        ctx.reply.bulk(e.peer);
        ctx.reply.bulk(e.client_name);
    }
}

void slowlog_len(CommandContext& ctx) {
    ctx.reply.integer(static_cast<long long>(ctx.server.slowlog().entries().size()));
}

void slowlog_reset(CommandContext& ctx) {
    ctx.server.slowlog().reset();
    ctx.reply.ok();
}

void slowlog_help(CommandContext& ctx) {
    static const char* lines[] = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Print this help.",
    };
    ctx.reply.array(std::size(lines));
    for (const char* l : lines) ctx.reply.simple(l);
}

// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], parsed as Redis 7.0's shutdownCommand. NOW
// changes nothing here: the server never waits for lagging replicas, so no shutdown is ever
// in progress for ABORT to cancel.
void shutdown_command(CommandContext& ctx) {
    server::ShutdownFlags flags;
    bool now = false, abort = false;
    for (size_t i = 1; i < ctx.args.size(); i++) {
        std::string_view a = ctx.args[i];
        if (iequals(a, "NOSAVE")) {
            flags.nosave = true;
        } else if (iequals(a, "SAVE")) {
            flags.save = true;
        } else if (iequals(a, "NOW")) {
            now = true;
        } else if (iequals(a, "FORCE")) {
            flags.force = true;
        } else if (iequals(a, "ABORT")) {
            abort = true;
        } else {
            ctx.reply.error(err_text(Err::Syntax));
            return;
        }
    }
    bool any_flag = flags.nosave || flags.save || now || flags.force;
    if ((abort && any_flag) || (flags.nosave && flags.save)) {
        ctx.reply.error(err_text(Err::Syntax));
        return;
    }
    if (abort) {
        ctx.reply.error("ERR No shutdown in progress.");
        return;
    }
    if (!ctx.server.shutdown(flags)) {
        ctx.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
    }
}

}  // namespace

void register_admin_commands(server::CommandTable& t) {
    using namespace server;
    t.add(def("dbsize", 1, kCmdReadonly | kCmdFast, 0, 0, 0, dbsize_command,
              "keyspace read fast"));
    t.add(def("flushdb", -1, kCmdWrite, 0, 0, 0, flushdb_command,
              "keyspace write slow dangerous"));
    t.add(def("flushall", -1, kCmdWrite, 0, 0, 0, flushall_command,
              "keyspace write slow dangerous"));
    t.add(def("swapdb", 3, kCmdWrite | kCmdFast, 0, 0, 0, swapdb_command,
              "keyspace write fast dangerous"));
    t.add(def("move", 3, kCmdWrite | kCmdFast, 1, 1, 1, move_command, "keyspace write fast"));
    t.add(def("time", 1, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, time_command, "fast"));
    t.add(def("shutdown", -1,
              kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale | kCmdNoMulti | kCmdAllowBusy,
              0, 0, 0, shutdown_command, "admin slow dangerous"));

    constexpr uint32_t kAdm = kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale;
    CommandDef config = def("config", -2, 0, 0, 0, 0, nullptr, "slow");
    config.subcommands = {
        def("config|get", -3, kAdm, 0, 0, 0, config_get, "admin slow dangerous"),
        def("config|set", -4, kAdm | kCmdMayReplicate, 0, 0, 0, config_set,
            "admin slow dangerous"),
        def("config|resetstat", 2, kAdm, 0, 0, 0, config_resetstat, "admin slow dangerous"),
        def("config|rewrite", 2, kAdm, 0, 0, 0, config_rewrite, "admin slow dangerous"),
        def("config|help", 2, kCmdLoading | kCmdStale, 0, 0, 0, config_help, "slow"),
    };
    t.add(std::move(config));

    CommandDef slowlog = def("slowlog", -2, 0, 0, 0, 0, nullptr, "slow");
    slowlog.subcommands = {
        def("slowlog|get", -2, kCmdAdmin | kCmdLoading | kCmdStale, 0, 0, 0, slowlog_get,
            "admin slow dangerous"),
        def("slowlog|len", 2, kCmdAdmin | kCmdLoading | kCmdStale, 0, 0, 0, slowlog_len,
            "admin slow dangerous"),
        def("slowlog|reset", 2, kCmdAdmin | kCmdLoading | kCmdStale, 0, 0, 0, slowlog_reset,
            "admin slow dangerous"),
        def("slowlog|help", 2, kCmdLoading | kCmdStale, 0, 0, 0, slowlog_help, "slow"),
    };
    t.add(std::move(slowlog));
}

}  // namespace slotcache::commands
