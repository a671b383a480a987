// The string family's handlers and command table: parse the arguments, run the op_* (strings.h),
// reply, and set dirty / the propagated form (CommandContext::rewritten) as Redis 7.0 does:
//
//   SET with EX/PX/EXAT/PXAT, SETEX, PSETEX  -> SET key value PXAT <abs ms>
//   SET ... GET (no expire)                   -> the same line without its GET tokens
//   GETSET                                    -> SET key value
//   GETDEL                                    -> DEL key
//   GETEX                                     -> PEXPIREAT key <abs ms> | PERSIST key | DEL key
//   INCRBYFLOAT                               -> SET key <new value> KEEPTTL
//
// A command that changed nothing (SET NX that lost, GETEX without effect, SETRANGE of an empty
// string) leaves dirty at 0 and is not propagated. Checked against redis-server 7.0.15's AOF.
// Keyspace notifications are t_string.c's: "set" (and "expire" with a TTL), "append",
// "incrby" (INCR/DECR/INCRBY/DECRBY alike), "incrbyfloat", "setrange", and the generic
// "del" / "persist" / "expire" of GETDEL and GETEX.
//
// Loop thread only.
#include <climits>
#include <string>

#include "commands/context.h"
#include "commands/families.h"
#include "commands/set_args.h"
#include "commands/strings.h"
#include "common/strutil.h"

namespace slotcache::commands {

using keyspace::Entry;
using keyspace::kIntBufLen;
using keyspace::kKeepTtl;
using keyspace::kNoExpire;
using server::CommandContext;

namespace {

void reply_value(CommandContext& ctx, const Entry* e) {
    if (e == nullptr) {
        ctx.reply.null();
        return;
    }
    char buf[kIntBufLen];
    ctx.reply.bulk(e->string_value(buf));
}

void reply_old(CommandContext& ctx, const SetOutcome& o) {
    if (o.had_old) {
        ctx.reply.bulk(o.old);
    } else {
        ctx.reply.null();
    }
}

// Resolves an expire argument for SET/SETEX/PSETEX/GETEX, replying the error on failure.
bool resolve_expire_or_reply(CommandContext& ctx, ExpireKind kind, std::string_view arg,
                             std::string_view command, int64_t* when) {
    Result<int64_t> r = resolve_set_expire(kind, arg, ctx.now_ms);
    if (r.ok()) {
        *when = *r;
        return true;
    }
    if (r.err() == Err::Invalid) {
        ctx.reply.error(invalid_expire_error(command));
    } else {
        reply_err(ctx, r.err());
    }
    return false;
}

void propagate_set_pxat(CommandContext& ctx, std::string_view key, std::string_view value,
                        int64_t when) {
    ctx.rewritten = {"SET", std::string(key), std::string(value), "PXAT", ll_to_string(when)};
}

// SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT t|KEEPTTL]
void cmd_set(CommandContext& ctx) {
    Result<SetOptions> opt = parse_set_options(ctx.args);
    if (!opt.ok()) {
        reply_err(ctx, opt.err());
        return;
    }
    SetParams p{.value = ctx.args[2], .nx = opt->nx, .xx = opt->xx, .get = opt->get};
    bool timed = expire_has_time(opt->expire);
    if (timed && !resolve_expire_or_reply(ctx, opt->expire, opt->expire_arg, "set",
                                          &p.expire_at)) {
        return;
    }
    if (opt->expire == ExpireKind::KeepTtl) {
        p.expire_at = kKeepTtl;
    }
    Result<SetOutcome> r = op_set(op_args(ctx), ctx.args[1], first_slot(ctx), p);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    if (p.get) {
        reply_old(ctx, *r);
    } else if (r->written) {
        ctx.reply.ok();
    } else {
        ctx.reply.null();
    }
    if (!r->written) {
        return;
    }
    ctx.dirty++;
    notify(ctx, config::kNotifyString, "set", ctx.args[1]);
    if (timed) {
        notify(ctx, config::kNotifyGeneric, "expire", ctx.args[1]);
        propagate_set_pxat(ctx, ctx.args[1], ctx.args[2], p.expire_at);
    } else if (p.get) {
        // Replicas must not see GET (a write with a reply they would discard anyway).
        ctx.rewritten.clear();
        for (size_t j = 0; j < ctx.args.size(); j++) {
            if (j < 3 || !iequals(ctx.args[j], "get")) {
                ctx.rewritten.emplace_back(ctx.args[j]);
            }
        }
    }
}

void cmd_setnx(CommandContext& ctx) {
    SetParams p{.value = ctx.args[2], .nx = true};
    Result<SetOutcome> r = op_set(op_args(ctx), ctx.args[1], first_slot(ctx), p);
    ctx.reply.integer(r->written ? 1 : 0);
    ctx.dirty += r->written ? 1 : 0;
    if (r->written) notify(ctx, config::kNotifyString, "set", ctx.args[1]);
}

void setex_generic(CommandContext& ctx, ExpireKind kind, std::string_view command) {
    SetParams p{.value = ctx.args[3]};
    if (!resolve_expire_or_reply(ctx, kind, ctx.args[2], command, &p.expire_at)) {
        return;
    }
    Result<SetOutcome> r = op_set(op_args(ctx), ctx.args[1], first_slot(ctx), p);
    ctx.reply.ok();
    ctx.dirty += r->written ? 1 : 0;
    notify(ctx, config::kNotifyString, "set", ctx.args[1]);
    notify(ctx, config::kNotifyGeneric, "expire", ctx.args[1]);
    propagate_set_pxat(ctx, ctx.args[1], ctx.args[3], p.expire_at);
}

void cmd_setex(CommandContext& ctx) { setex_generic(ctx, ExpireKind::Ex, "setex"); }
void cmd_psetex(CommandContext& ctx) { setex_generic(ctx, ExpireKind::Px, "psetex"); }

void cmd_get(CommandContext& ctx) {
    Result<const Entry*> r = op_get(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    reply_value(ctx, *r);
}

void cmd_getset(CommandContext& ctx) {
    SetParams p{.value = ctx.args[2], .get = true};
    Result<SetOutcome> r = op_set(op_args(ctx), ctx.args[1], first_slot(ctx), p);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    reply_old(ctx, *r);
    ctx.dirty++;
    notify(ctx, config::kNotifyString, "set", ctx.args[1]);
    ctx.rewritten = {"SET", std::string(ctx.args[1]), std::string(ctx.args[2])};
}

void cmd_getdel(CommandContext& ctx) {
    Result<SetOutcome> r = op_getdel(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    reply_old(ctx, *r);
    if (r->written) {
        ctx.dirty++;
        notify(ctx, config::kNotifyGeneric, "del", ctx.args[1]);
        ctx.rewritten = {"DEL", std::string(ctx.args[1])};
    }
}

void cmd_getex(CommandContext& ctx) {
    Result<GetexOptions> opt = parse_getex_options(ctx.args);
    if (!opt.ok()) {
        reply_err(ctx, opt.err());
        return;
    }
    Result<GetexOutcome> r = op_getex(op_args(ctx), ctx.args[1], first_slot(ctx), *opt,
                                      may_delete_expired(ctx));
    if (!r.ok()) {
        if (r.err() == Err::Invalid) {
            ctx.reply.error(invalid_expire_error("getex"));
        } else {
            reply_err(ctx, r.err());
        }
        return;
    }
    if (!r->found) {
        ctx.reply.null();
        return;
    }
    ctx.reply.bulk(r->value);
    std::string key(ctx.args[1]);
    switch (r->effect) {
        case GetexEffect::None: return;
        case GetexEffect::Delete:
            ctx.rewritten = {expired_delete_command(ctx), key};
            notify(ctx, config::kNotifyGeneric, "del", key);
            break;
        case GetexEffect::Persist:
            ctx.rewritten = {"PERSIST", key};
            notify(ctx, config::kNotifyGeneric, "persist", key);
            break;
        case GetexEffect::Expire:
            ctx.rewritten = {"PEXPIREAT", key, ll_to_string(r->when)};
            notify(ctx, config::kNotifyGeneric, "expire", key);
            break;
    }
    ctx.dirty++;
}

void cmd_mget(CommandContext& ctx) {
    OpArgs op = op_args(ctx);
    ctx.reply.array(ctx.args.size() - 1);
    for (size_t j = 1; j < ctx.args.size(); j++) {
        Result<const Entry*> r = op_get(op, ctx.args[j], key_slot(ctx.args[j]));
        reply_value(ctx, r.ok() ? *r : nullptr);  // another type reads as nil
    }
}

void mset_generic(CommandContext& ctx, bool nx, std::string_view name) {
    if (ctx.args.size() % 2 == 0) {
        ctx.reply.error(arity_error(name));
        return;
    }
    bool written = op_mset(op_args(ctx), ctx.args, nx);
    if (nx) {
        ctx.reply.integer(written ? 1 : 0);
    } else {
        ctx.reply.ok();
    }
    if (written) {
        ctx.dirty += static_cast<long long>((ctx.args.size() - 1) / 2);
        for (size_t j = 1; j < ctx.args.size(); j += 2) {
            notify(ctx, config::kNotifyString, "set", ctx.args[j]);
        }
    }
}

void cmd_mset(CommandContext& ctx) { mset_generic(ctx, false, "mset"); }
void cmd_msetnx(CommandContext& ctx) { mset_generic(ctx, true, "msetnx"); }

void cmd_append(CommandContext& ctx) {
    Result<size_t> r = op_append(op_args(ctx), ctx.args[1], first_slot(ctx), ctx.args[2],
                                 proto_max_bulk_len(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(static_cast<long long>(*r));
    ctx.dirty++;
    notify(ctx, config::kNotifyString, "append", ctx.args[1]);
}

void cmd_strlen(CommandContext& ctx) {
    Result<size_t> r = op_strlen(op_args(ctx), ctx.args[1], first_slot(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(static_cast<long long>(*r));
}

void incr_generic(CommandContext& ctx, long long delta) {
    Result<long long> r = op_incrby(op_args(ctx), ctx.args[1], first_slot(ctx), delta);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(*r);
    ctx.dirty++;
    notify(ctx, config::kNotifyString, "incrby", ctx.args[1]);
}

void cmd_incr(CommandContext& ctx) { incr_generic(ctx, 1); }
void cmd_decr(CommandContext& ctx) { incr_generic(ctx, -1); }

void cmd_incrby(CommandContext& ctx) {
    long long by = 0;
    if (!parse_ll(ctx.args[2], &by)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    incr_generic(ctx, by);
}

void cmd_decrby(CommandContext& ctx) {
    long long by = 0;
    if (!parse_ll(ctx.args[2], &by)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    if (by == LLONG_MIN) {
        ctx.reply.error("ERR decrement would overflow");
        return;
    }
    incr_generic(ctx, -by);
}

void cmd_incrbyfloat(CommandContext& ctx) {
    Result<std::string> r = op_incrbyfloat(op_args(ctx), ctx.args[1], first_slot(ctx),
                                           ctx.args[2]);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.bulk(*r);
    ctx.dirty++;
    notify(ctx, config::kNotifyString, "incrbyfloat", ctx.args[1]);
    // The replicas store the exact text we computed, not their own float arithmetic's.
    ctx.rewritten = {"SET", std::string(ctx.args[1]), std::move(*r), "KEEPTTL"};
}

void cmd_getrange(CommandContext& ctx) {
    long long start = 0;
    long long end = 0;
    if (!parse_ll(ctx.args[2], &start) || !parse_ll(ctx.args[3], &end)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    char buf[kIntBufLen];
    Result<std::string_view> r =
        op_getrange(op_args(ctx), ctx.args[1], first_slot(ctx), start, end, buf);
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.bulk(*r);
}

void cmd_setrange(CommandContext& ctx) {
    long long offset = 0;
    if (!parse_ll(ctx.args[2], &offset)) {
        reply_err(ctx, Err::NotInteger);
        return;
    }
    if (offset < 0) {
        ctx.reply.error("ERR offset is out of range");
        return;
    }
    Result<size_t> r = op_setrange(op_args(ctx), ctx.args[1], first_slot(ctx), offset,
                                   ctx.args[3], proto_max_bulk_len(ctx));
    if (!r.ok()) {
        reply_err(ctx, r.err());
        return;
    }
    ctx.reply.integer(static_cast<long long>(*r));
    if (!ctx.args[3].empty()) {
        ctx.dirty++;
        notify(ctx, config::kNotifyString, "setrange", ctx.args[1]);
    }
}

}  // namespace

void register_string_commands(server::CommandTable& table) {
    using namespace server;
    constexpr uint32_t kW = kCmdWrite;
    constexpr uint32_t kR = kCmdReadonly;
    constexpr uint32_t kOom = kCmdDenyOom;
    constexpr uint32_t kF = kCmdFast;
    // name, arity, flags, first key, last key, step, handler, ACL categories (COMMAND INFO of
    // redis-server 7.0.15).
    const CommandDef defs[] = {
        {"get", 2, kR | kF, 1, 1, 1, cmd_get, "read string fast"},
        {"set", -3, kW | kOom, 1, 1, 1, cmd_set, "write string slow"},
        {"setnx", 3, kW | kOom | kF, 1, 1, 1, cmd_setnx, "write string fast"},
        {"setex", 4, kW | kOom, 1, 1, 1, cmd_setex, "write string slow"},
        {"psetex", 4, kW | kOom, 1, 1, 1, cmd_psetex, "write string slow"},
        {"getset", 3, kW | kOom | kF, 1, 1, 1, cmd_getset, "write string fast"},
        {"getdel", 2, kW | kF, 1, 1, 1, cmd_getdel, "write string fast"},
        {"getex", -2, kW | kF, 1, 1, 1, cmd_getex, "write string fast"},
        {"mget", -2, kR | kF, 1, -1, 1, cmd_mget, "read string fast"},
        {"mset", -3, kW | kOom, 1, -1, 2, cmd_mset, "write string slow"},
        {"msetnx", -3, kW | kOom, 1, -1, 2, cmd_msetnx, "write string slow"},
        {"append", 3, kW | kOom | kF, 1, 1, 1, cmd_append, "write string fast"},
        {"strlen", 2, kR | kF, 1, 1, 1, cmd_strlen, "read string fast"},
        {"incr", 2, kW | kOom | kF, 1, 1, 1, cmd_incr, "write string fast"},
        {"decr", 2, kW | kOom | kF, 1, 1, 1, cmd_decr, "write string fast"},
        {"incrby", 3, kW | kOom | kF, 1, 1, 1, cmd_incrby, "write string fast"},
        {"decrby", 3, kW | kOom | kF, 1, 1, 1, cmd_decrby, "write string fast"},
        {"incrbyfloat", 3, kW | kOom | kF, 1, 1, 1, cmd_incrbyfloat, "write string fast"},
        {"getrange", 4, kR, 1, 1, 1, cmd_getrange, "read string slow"},
        {"substr", 4, kR, 1, 1, 1, cmd_getrange, "read string slow"},
        {"setrange", 4, kW | kOom, 1, 1, 1, cmd_setrange, "write string slow"},
    };
    for (const CommandDef& d : defs) {
        table.add(d);
    }
}

}  // namespace slotcache::commands
