// The generic key family's handlers and command table: parse, run the op_* (keys.h), reply,
// and set dirty / the propagated form as Redis 7.0 does:
//
//   EXPIRE, PEXPIRE, EXPIREAT key t [opts]  -> PEXPIREAT key <abs ms> [opts as sent]
//   PEXPIREAT                               -> as received
//   any of them with a time not in the future, on a master -> DEL key (UNLINK with
//   lazyfree-lazy-expire), and the key is deleted at once
//
// DEL/UNLINK count one change per deleted key; RENAME of a key onto itself, and commands whose
// condition refused, change nothing and are not propagated. Checked against redis-server
// 7.0.15 (replies, errors, and its AOF for the propagated forms).
//
// Loop thread only.
#include <string>

#include "commands/context.h"
#include "commands/families.h"
#include "commands/key_args.h"
#include "commands/keys.h"
#include "commands/set_args.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Entry;
using server::CommandContext;

namespace {

void reply_count(CommandContext& ctx, size_t n) { ctx.reply.integer(static_cast<long long>(n)); }

// DEL and UNLINK differ only in who frees a big value: UNLINK always the lazy-free thread,
// DEL with lazyfree-lazy-user-del. Only the keys actually deleted are signalled to WATCH.
void del_generic(CommandContext& ctx, bool lazy) {
    bool watched = !ctx.server.watches().empty();
    std::vector<size_t> deleted;
    size_t n = op_del(op_args(ctx), ctx.args, 1, lazy, watched ? &deleted : nullptr);
    for (size_t j : deleted) ctx.server.signal_modified_key(ctx.db.id(), ctx.args[j]);
    ctx.keys_signalled = true;
    reply_count(ctx, n);
    ctx.dirty += static_cast<long long>(n);
}

void cmd_del(CommandContext& ctx) { del_generic(ctx, ctx.server.cfg().lazyfree_lazy_user_del); }
void cmd_unlink(CommandContext& ctx) { del_generic(ctx, true); }

void cmd_exists(CommandContext& ctx) { reply_count(ctx, op_exists(op_args(ctx), ctx.args, 1)); }
void cmd_touch(CommandContext& ctx) { reply_count(ctx, op_touch(op_args(ctx), ctx.args, 1)); }

void cmd_type(CommandContext& ctx) {
    ctx.reply.simple(op_type(op_args(ctx), ctx.args[1], first_slot(ctx)));
}

// EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX|XX|GT|LT]. relative: the time is added
// to now; seconds: the time is in seconds. Options are checked before the time, as in Redis.
void expire_generic(CommandContext& ctx, bool relative, bool seconds, std::string_view name) {
    Parsed<ExpireCondition> cond = parse_expire_condition(ctx.args);
    if (!cond.ok()) {
        ctx.reply.error(cond.error());
        return;
    }
    Result<int64_t> when = resolve_expire_time(ctx.args[2], relative ? ctx.now_ms : 0, seconds);
    if (!when.ok()) {
        if (when.err() == Err::Invalid) {
            ctx.reply.error(invalid_expire_error(name));
        } else {
            reply_err(ctx, when.err());
        }
        return;
    }
    ExpireOutcome out = op_expire(op_args(ctx), ctx.args[1], first_slot(ctx), *when,
                                  cond.value(), may_delete_expired(ctx));
    ctx.reply.integer(out == ExpireOutcome::NotSet ? 0 : 1);
    if (out == ExpireOutcome::NotSet) {
        return;
    }
    ctx.dirty++;
    std::string key(ctx.args[1]);
    notify(ctx, config::kNotifyGeneric, out == ExpireOutcome::Deleted ? "del" : "expire", key);
    if (out == ExpireOutcome::Deleted) {
        ctx.rewritten = {expired_delete_command(ctx), key};
    } else if (relative || seconds) {
        ctx.rewritten = {"PEXPIREAT", key, ll_to_string(*when)};
        for (size_t j = 3; j < ctx.args.size(); j++) {
            ctx.rewritten.emplace_back(ctx.args[j]);
        }
    }
}

void cmd_expire(CommandContext& ctx) { expire_generic(ctx, true, true, "expire"); }
void cmd_pexpire(CommandContext& ctx) { expire_generic(ctx, true, false, "pexpire"); }
void cmd_expireat(CommandContext& ctx) { expire_generic(ctx, false, true, "expireat"); }
void cmd_pexpireat(CommandContext& ctx) { expire_generic(ctx, false, false, "pexpireat"); }

void ttl_generic(CommandContext& ctx, bool ms, bool abs) {
    int64_t at = op_expire_time(op_args(ctx), ctx.args[1], first_slot(ctx));
    ctx.reply.integer(ttl_reply_value(at, ctx.now_ms, ms, abs));
}

void cmd_ttl(CommandContext& ctx) { ttl_generic(ctx, false, false); }
void cmd_pttl(CommandContext& ctx) { ttl_generic(ctx, true, false); }
void cmd_expiretime(CommandContext& ctx) { ttl_generic(ctx, false, true); }
void cmd_pexpiretime(CommandContext& ctx) { ttl_generic(ctx, true, true); }

void cmd_persist(CommandContext& ctx) {
    bool removed = op_persist(op_args(ctx), ctx.args[1], first_slot(ctx));
    ctx.reply.integer(removed ? 1 : 0);
    ctx.dirty += removed ? 1 : 0;
    if (removed) notify(ctx, config::kNotifyGeneric, "persist", ctx.args[1]);
}

void rename_generic(CommandContext& ctx, bool nx) {
    Result<RenameOutcome> r = op_rename(op_args(ctx), ctx.args[1], ctx.args[2], nx);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    bool renamed = *r == RenameOutcome::Renamed;
    if (nx) {
        ctx.reply.integer(renamed ? 1 : 0);
    } else {
        ctx.reply.ok();
    }
    ctx.dirty += renamed ? 1 : 0;
    if (renamed) {
        notify(ctx, config::kNotifyGeneric, "rename_from", ctx.args[1]);
        notify(ctx, config::kNotifyGeneric, "rename_to", ctx.args[2]);
    }
}

void cmd_rename(CommandContext& ctx) { rename_generic(ctx, false); }
void cmd_renamenx(CommandContext& ctx) { rename_generic(ctx, true); }

void cmd_keys(CommandContext& ctx) {
    std::vector<std::string_view> keys;
    op_keys(op_args(ctx), ctx.args[1], &keys);
    ctx.reply.array(keys.size());
    for (std::string_view k : keys) {
        ctx.reply.bulk(k);
    }
}

void cmd_scan(CommandContext& ctx) {
    uint64_t cursor = 0;
    if (!parse_scan_cursor(ctx.args[1], &cursor)) {
        ctx.reply.error("ERR invalid cursor");
        return;
    }
    Parsed<ScanOptions> opt = parse_scan_options(ctx.args, 2, true);
    if (!opt.ok()) {
        ctx.reply.error(opt.error());
        return;
    }
    std::vector<std::string> keys;
    uint64_t next = op_scan(op_args(ctx), cursor, opt.value(), &keys);
    ctx.reply.array(2);
    ctx.reply.bulk(std::to_string(next));
    ctx.reply.array(keys.size());
    for (const std::string& k : keys) {
        ctx.reply.bulk(k);
    }
}

void cmd_randomkey(CommandContext& ctx) {
    const Entry* e = op_randomkey(op_args(ctx));
    if (e == nullptr) {
        ctx.reply.null();
    } else {
        ctx.reply.bulk(e->key());
    }
}

void cmd_copy(CommandContext& ctx) {
    keyspace::Keyspace& ks = ctx.server.keyspace();
    Parsed<CopyOptions> opt = parse_copy_options(ctx.args, ks.db_count());
    if (!opt.ok()) {
        ctx.reply.error(opt.error());
        return;
    }
    int src_id = ctx.db.id();
    int dst_id = opt->db < 0 ? src_id : opt->db;
    if (ctx.server.cfg().cluster_enabled && (src_id != 0 || dst_id != 0)) {
        ctx.reply.error("ERR Copying to another database is not allowed in cluster mode");
        return;
    }
    keyspace::Db& dst = ks.db(dst_id);
    if (&dst == &ctx.db && ctx.args[1] == ctx.args[2]) {
        reply_err(ctx, Err::SameObject);
        return;
    }
    bool copied = op_copy(op_args(ctx), ctx.args[1], dst, ctx.args[2], opt->replace);
    // Only the destination changed, possibly in another db.
    if (copied) ctx.server.signal_modified_key(dst_id, ctx.args[2]);
    ctx.keys_signalled = true;
    ctx.reply.integer(copied ? 1 : 0);
    ctx.dirty += copied ? 1 : 0;
    if (copied) {
        ctx.server.notify_keyspace_event(config::kNotifyGeneric, "copy_to", ctx.args[2], dst_id);
    }
}

// ---- OBJECT <subcommand> key ---------------------------------------------------------------

constexpr const char* kLfuNotSelected =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
    "that when switching between policies at runtime LRU and LFU data will take some time to "
    "adjust.";
constexpr const char* kLfuSelected =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";

// The entry named by args[2], or nullptr after replying nil (every subcommand replies nil
// for a missing key before any other check).
const Entry* object_entry_or_reply(CommandContext& ctx) {
    uint16_t slot = ctx.slot >= 0 ? static_cast<uint16_t>(ctx.slot) : key_slot(ctx.args[2]);
    const Entry* e = op_object_lookup(op_args(ctx), ctx.args[2], slot);
    if (e == nullptr) {
        ctx.reply.null();
    }
    return e;
}

void cmd_object_encoding(CommandContext& ctx) {
    if (const Entry* e = object_entry_or_reply(ctx)) {
        ctx.reply.bulk(keyspace::encoding_name(e->encoding()));
    }
}

void cmd_object_freq(CommandContext& ctx) {
    const Entry* e = object_entry_or_reply(ctx);
    if (e == nullptr) {
        return;
    }
    if (!ctx.server.keyspace().lfu_mode()) {
        ctx.reply.error(kLfuNotSelected);
        return;
    }
    ctx.reply.integer(ctx.db.lfu_frequency(e, ctx.now_ms));
}

void cmd_object_idletime(CommandContext& ctx) {
    const Entry* e = object_entry_or_reply(ctx);
    if (e == nullptr) {
        return;
    }
    if (ctx.server.keyspace().lfu_mode()) {
        ctx.reply.error(kLfuSelected);
        return;
    }
    ctx.reply.integer(static_cast<long long>(ctx.db.idle_ms(e, ctx.now_ms) / 1000));
}

void cmd_object_refcount(CommandContext& ctx) {
    if (const Entry* e = object_entry_or_reply(ctx)) {
        const keyspace::EvictionConfig& cfg = ctx.server.keyspace().eviction_config();
        ctx.reply.integer(object_refcount(e, cfg.maxmemory, cfg.policy));
    }
}

void cmd_object_help(CommandContext& ctx) {
    static constexpr const char* kLines[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };
    ctx.reply.array(std::size(kLines));
    for (const char* line : kLines) {
        ctx.reply.simple(line);
    }
}

// The container itself never runs (the dispatcher resolves the subcommand, or rejects an
// unknown one); this answers as the dispatcher would, should that ever change.
void cmd_object(CommandContext& ctx) {
    std::string sub = ctx.args.size() > 1 ? std::string(ctx.args[1].substr(0, 128)) : "";
    ctx.reply.error("ERR unknown subcommand '" + sub + "'. Try OBJECT HELP.");
}

server::CommandDef object_command() {
    using namespace server;
    constexpr uint32_t kR = kCmdReadonly;
    const char* read = "keyspace read slow";
    CommandDef object{"object", -2, 0, 0, 0, 0, cmd_object, "slow"};
    object.subcommands = {
        {"object|encoding", 3, kR, 2, 2, 1, cmd_object_encoding, read},
        {"object|freq", 3, kR, 2, 2, 1, cmd_object_freq, read},
        {"object|help", 2, kCmdLoading | kCmdStale, 0, 0, 0, cmd_object_help, "keyspace slow"},
        {"object|idletime", 3, kR, 2, 2, 1, cmd_object_idletime, read},
        {"object|refcount", 3, kR, 2, 2, 1, cmd_object_refcount, read},
    };
    return object;
}

}  // namespace

void register_key_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadonly;
    constexpr uint32_t kF = kCmdFast;
    // name, arity, flags, first key, last key, step, handler, ACL categories (COMMAND INFO of
    // redis-server 7.0.15).
    const CommandDef defs[] = {
        {"del", -2, kW, 1, -1, 1, cmd_del, "keyspace write slow"},
        {"unlink", -2, kW | kF, 1, -1, 1, cmd_unlink, "keyspace write fast"},
        {"exists", -2, kR | kF, 1, -1, 1, cmd_exists, "keyspace read fast"},
        {"type", 2, kR | kF, 1, 1, 1, cmd_type, "keyspace read fast"},
        {"expire", -3, kW | kF, 1, 1, 1, cmd_expire, "keyspace write fast"},
        {"pexpire", -3, kW | kF, 1, 1, 1, cmd_pexpire, "keyspace write fast"},
        {"expireat", -3, kW | kF, 1, 1, 1, cmd_expireat, "keyspace write fast"},
        {"pexpireat", -3, kW | kF, 1, 1, 1, cmd_pexpireat, "keyspace write fast"},
        {"ttl", 2, kR | kF, 1, 1, 1, cmd_ttl, "keyspace read fast"},
        {"pttl", 2, kR | kF, 1, 1, 1, cmd_pttl, "keyspace read fast"},
        {"expiretime", 2, kR | kF, 1, 1, 1, cmd_expiretime, "keyspace read fast"},
        {"pexpiretime", 2, kR | kF, 1, 1, 1, cmd_pexpiretime, "keyspace read fast"},
        {"persist", 2, kW | kF, 1, 1, 1, cmd_persist, "keyspace write fast"},
        {"rename", 3, kW, 1, 2, 1, cmd_rename, "keyspace write slow"},
        {"renamenx", 3, kW | kF, 1, 2, 1, cmd_renamenx, "keyspace write fast"},
        {"keys", 2, kR, 0, 0, 0, cmd_keys, "keyspace read slow dangerous"},
        {"scan", -2, kR, 0, 0, 0, cmd_scan, "keyspace read slow"},
        {"randomkey", 1, kR, 0, 0, 0, cmd_randomkey, "keyspace read slow"},
        {"touch", -2, kR | kF, 1, -1, 1, cmd_touch, "keyspace read fast"},
        {"copy", -3, kW | kCmdDenyOom, 1, 2, 1, cmd_copy, "keyspace write slow"},
    };
    for (const CommandDef& d : defs) {
        table.add(d);
    }
    table.add(object_command());
}

}  // namespace slotcache::commands
