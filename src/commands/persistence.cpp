// The persistence family: SAVE, BGSAVE [SCHEDULE], LASTSAVE (through the server's
// persistence::Snapshotter) and DUMP, RESTORE, RESTORE-ASKING (through the RDB codec's payload
// helpers, persistence/dump.h). Replies, errors and the propagated form are Redis 7.0's
// (checked against redis-server 7.0.15):
//
//   RESTORE key ttl payload            (ttl > 0, relative) -> RESTORE key <abs ms> payload ABSTTL
//   RESTORE with a TTL already past    -> DEL key (UNLINK with lazyfree-lazy-server-del) when
//                                         REPLACE deleted an old key; not propagated otherwise
//
// IDLETIME sets the restored key's LRU clock (LRU policies) and FREQ its LFU counter (LFU
// policies); the option of the other kind of policy is accepted and ignored, as in Redis.
//
// Loop thread only.
#include "commands/persistence.h"

#include "commands/context.h"
#include "commands/server_families.h"
#include "common/crc16.h"
#include "common/strutil.h"
#include "persistence/dump.h"
#include "persistence/snapshot.h"

namespace slotcache::commands {

using server::CommandContext;

Parsed<RestoreOptions> parse_restore_options(const std::vector<std::string_view>& args) {
    RestoreOptions o;
    for (size_t j = 4; j < args.size(); j++) {
        bool more = j + 1 < args.size();
        std::string_view a = args[j];
        if (iequals(a, "replace")) {
            o.replace = true;
        } else if (iequals(a, "absttl")) {
            o.absttl = true;
        } else if (iequals(a, "idletime") && more && o.freq == -1) {
            if (!parse_ll(args[++j], &o.idle)) {
                return Err::NotInteger;
            }
            if (o.idle < 0) {
                return Parsed<RestoreOptions>::failure("ERR Invalid IDLETIME value, must be >= 0");
            }
        } else if (iequals(a, "freq") && more && o.idle == -1) {
            if (!parse_ll(args[++j], &o.freq)) {
                return Err::NotInteger;
            }
            if (o.freq < 0 || o.freq > 255) {
                return Parsed<RestoreOptions>::failure(
                    "ERR Invalid FREQ value, must be >= 0 and <= 255");
            }
        } else {
            return Err::Syntax;
        }
    }
    return o;
}

RestoreResult op_restore(const OpArgs& op, std::string_view key, uint16_t slot,
                         std::string_view ttl_arg, std::string_view payload,
                         const RestoreOptions& opts, bool may_expire) {
    RestoreResult r;
    if (!opts.replace && lookup_write(op, key, slot) != nullptr) {
        r.error = err_text(Err::BusyKey);
        return r;
    }
    long long ttl;
    if (!parse_ll(ttl_arg, &ttl)) {
        r.error = err_text(Err::NotInteger);
        return r;
    }
    if (ttl < 0) {
        r.error = "ERR Invalid TTL value, must be >= 0";
        return r;
    }
    if (!persistence::verify_dump_payload(payload)) {
        r.error = persistence::kDumpPayloadError;
        return r;
    }
    persistence::RdbValue value;
    std::string why;
    if (!persistence::decode_dump_payload(payload, &value, &why)) {
        r.error = persistence::kBadDataFormat;
        return r;
    }
    bool deleted = opts.replace && op.db.del(key, slot);
    if (ttl > 0 && !opts.absttl) {
        ttl += op.now_ms;
    }
    if (ttl > 0 && may_expire && ttl <= op.now_ms) {
        r.outcome = deleted ? RestoreOutcome::ExpiredReplaced : RestoreOutcome::ExpiredNothing;
        return r;
    }
    r.expire_at = ttl > 0 ? ttl : keyspace::kNoExpire;
    persistence::insert_value(op.db, key, std::move(value), r.expire_at, op.now_ms);
    if (opts.idle >= 0 || opts.freq >= 0) {
        keyspace::Entry* e = op.db.find(key, slot);
        if (e != nullptr) op.db.set_access_clock(e, opts.idle, opts.freq, op.now_ms);
    }
    r.outcome = RestoreOutcome::Restored;
    return r;
}

namespace {

persistence::Snapshotter& snapshotter(CommandContext& ctx) { return ctx.server.snapshotter(); }

void cmd_save(CommandContext& ctx) {
    persistence::Snapshotter& s = snapshotter(ctx);
    if (s.in_progress()) {
        ctx.reply.error("ERR Background save already in progress");
        return;
    }
    std::string err;
    if (s.save(ctx.now_ms, &err)) {
        ctx.reply.ok();
    } else {
        ctx.reply.error("ERR");
    }
}

void cmd_bgsave(CommandContext& ctx) {
    bool schedule = false;
    if (ctx.args.size() > 1) {
        if (ctx.args.size() != 2 || !iequals(ctx.args[1], "schedule")) {
            reply_err(ctx, Err::Syntax);
            return;
        }
        schedule = true;
    }
    switch (snapshotter(ctx).bgsave(ctx.now_ms, schedule)) {
        case persistence::BgsaveStart::Started:
            ctx.reply.simple("Background saving started");
            break;
        case persistence::BgsaveStart::Scheduled:
            ctx.reply.simple("Background saving scheduled");
            break;
        case persistence::BgsaveStart::AlreadyInProgress:
            ctx.reply.error("ERR Background save already in progress");
            break;
        case persistence::BgsaveStart::OtherChild:
            ctx.reply.error("ERR Another child process is active (AOF?): can't BGSAVE right now. "
                            "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            break;
        case persistence::BgsaveStart::Failed: ctx.reply.error("ERR"); break;
    }
}

void cmd_lastsave(CommandContext& ctx) { ctx.reply.integer(snapshotter(ctx).lastsave()); }

void cmd_dump(CommandContext& ctx) {
    keyspace::Entry* e = lookup_read(op_args(ctx), ctx.args[1], first_slot(ctx));
    std::string payload;
    if (e == nullptr || !persistence::dump_payload(e, ctx.server.cfg().rdbcompression, &payload)) {
        ctx.reply.null();
        return;
    }
    ctx.reply.bulk(payload);
}

void cmd_restore(CommandContext& ctx) {
    Parsed<RestoreOptions> opts = parse_restore_options(ctx.args);
    if (!opts.ok()) {
        ctx.reply.error(opts.error());
        return;
    }
    std::string_view key = ctx.args[1];
    RestoreResult r = op_restore(op_args(ctx), key, first_slot(ctx), ctx.args[2], ctx.args[3],
                                 opts.value(), may_delete_expired(ctx));
    if (r.outcome == RestoreOutcome::Error) {
        ctx.reply.error(r.error);
        return;
    }
    ctx.reply.ok();
    if (r.outcome == RestoreOutcome::ExpiredNothing) {
        return;
    }
    ctx.dirty++;
    if (r.outcome == RestoreOutcome::ExpiredReplaced) {
        ctx.rewritten = {ctx.server.cfg().lazyfree_lazy_server_del ? "UNLINK" : "DEL",
                         std::string(key)};
    } else if (r.expire_at != keyspace::kNoExpire && !opts->absttl) {
        ctx.rewritten.assign(ctx.args.begin(), ctx.args.end());
        ctx.rewritten[2] = ll_to_string(r.expire_at);
        ctx.rewritten.emplace_back("ABSTTL");
    }
}

}  // namespace

void register_persistence_commands(server::CommandTable& t) {
    using namespace server;
    t.add(def("save", 1, kCmdAdmin | kCmdNoscript | kCmdNoAsyncLoading | kCmdNoMulti, 0, 0, 0,
              cmd_save, "admin slow dangerous"));
    t.add(def("bgsave", -1, kCmdAdmin | kCmdNoscript | kCmdNoAsyncLoading, 0, 0, 0, cmd_bgsave,
              "admin slow dangerous"));
    t.add(def("lastsave", 1, kCmdLoading | kCmdStale | kCmdFast, 0, 0, 0, cmd_lastsave,
              "admin fast dangerous"));
    t.add(def("dump", 2, kCmdReadonly, 1, 1, 1, cmd_dump, "keyspace read slow"));
    t.add(def("restore", -4, kCmdWrite | kCmdDenyOom, 1, 1, 1, cmd_restore,
              "keyspace write slow dangerous"));
    t.add(def("restore-asking", -4, kCmdWrite | kCmdDenyOom | kCmdAsking, 1, 1, 1, cmd_restore,
              "keyspace write slow dangerous"));
}

}  // namespace slotcache::commands
