// DEBUG: the subcommands tests use to make behaviour deterministic (SLEEP, SET-ACTIVE-EXPIRE,
// POPULATE, OBJECT) and SEGFAULT for crash-path tests. Guarded by enable-debug-command as in
// Redis 7: "no" refuses, "local" allows loopback and unix-socket clients only.
#include <unistd.h>

#include <csignal>
#include <cstdio>

#include <xxhash.h>

#include "commands/server_families.h"
#include "common/crc16.h"
#include "common/log.h"
#include "common/strutil.h"
#include "persistence/dump.h"
#include "server/server.h"

namespace slotcache::commands {

using server::CommandContext;
using server::CommandDef;

namespace {

bool debug_allowed(CommandContext& ctx) {
    auto mode = ctx.server.cfg().enable_debug_command;
    if (mode == config::ProtectedAction::Yes) return true;
    if (mode == config::ProtectedAction::Local && ctx.client.conn().is_loopback()) return true;
    ctx.reply.error(
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", "
        "you can run it from a local connection, otherwise you need to set this option in the "
        "configuration file, and then restart the server.");
    return false;
}

void debug_populate(CommandContext& ctx) {
    long long count = 0, size = -1;
    if (!parse_ll(ctx.args[2], &count) || count < 0) {
        ctx.reply.error(err_text(Err::NotInteger));
        return;
    }
    std::string_view prefix = ctx.args.size() >= 4 ? ctx.args[3] : std::string_view("key");
    if (ctx.args.size() >= 5 && (!parse_ll(ctx.args[4], &size) || size < 0)) {
        ctx.reply.error(err_text(Err::NotInteger));
        return;
    }
    std::string key(prefix), val;
    key += ':';
    size_t base = key.size();
    for (long long j = 0; j < count; j++) {
        key.resize(base);
        key += ll_to_string(j);
        uint16_t slot = key_slot(key);
        if (ctx.db.find(key, slot)) continue;
        val = "value:" + ll_to_string(j);
        if (size >= 0) val.resize(static_cast<size_t>(size), '\0');
        ctx.db.add_string(key, slot, val, keyspace::kNoExpire, ctx.now_ms);
    }
    ctx.reply.ok();
}

void debug_object(CommandContext& ctx) {
    uint16_t slot = key_slot(ctx.args[2]);
    keyspace::Entry* e = ctx.db.lookup(ctx.args[2], slot, ctx.now_ms, keyspace::kLookupNoTouch);
    if (!e) {
        ctx.reply.error(err_text(Err::NoSuchKey));
        return;
    }
    size_t serialized = e->is_string() ? e->string_length() + 1 : 0;
    std::string payload;
    // A collection's serialized length is its RDB value's (the DUMP payload without the type
    // byte, RDB version and CRC); 0 until its type can be serialized.
    if (!e->is_string() && persistence::dump_payload(e, false, &payload) && payload.size() > 11) {
        serialized = payload.size() - 11;
    }
    char buf[256];
    snprintf(buf, sizeof(buf),
             "Value at:%p refcount:1 encoding:%s serializedlength:%zu lru:%u "
             "lru_seconds_idle:%llu",
             static_cast<void*>(e), std::string(keyspace::encoding_name(e->encoding())).c_str(),
             serialized, static_cast<unsigned>(e->lru),
             static_cast<unsigned long long>(ctx.db.idle_ms(e, ctx.now_ms) / 1000));
    ctx.reply.simple(buf);
}

// DEBUG DIGEST-VALUE key...: 40 hex characters per key, all zeros for a missing key (Redis'
// reply shape). redis-cli --cluster fix compares keys on two nodes with it (a DUMP would be
// redirected on a node that does not serve the slot). The digest covers type and value, not the
// TTL, as Redis'; it is XXH3 (128 + 32 bits), not Redis' SHA1 mix: only equality across nodes
// of the same server matters.
void debug_digest_value(CommandContext& ctx) {
    ctx.reply.array(ctx.args.size() - 2);
    char buf[keyspace::kIntBufLen];
    for (size_t i = 2; i < ctx.args.size(); i++) {
        uint16_t slot = key_slot(ctx.args[i]);
        keyspace::Entry* e = ctx.db.lookup(ctx.args[i], slot, ctx.now_ms, keyspace::kLookupNoTouch);
        if (e == nullptr) {
            ctx.reply.simple(std::string(40, '0'));
            continue;
        }
        std::string data = e->is_string() ? "string:" : std::string(keyspace::type_name(e->type()));
        if (e->is_string()) {
            data += e->string_value(buf);
        } else {
            // The value's serialization: equal for equal lists and sorted sets; two equal sets
            // or hashes stored in different orders digest differently, which --cluster fix
            // reports as a conflict (never two different values as equal).
            std::string payload;
            if (persistence::dump_payload(e, false, &payload)) data += payload;
        }
        XXH128_hash_t h = XXH3_128bits(data.data(), data.size());
        uint32_t tail = static_cast<uint32_t>(XXH3_64bits_withSeed(data.data(), data.size(), 1));
        char hex[41];
        snprintf(hex, sizeof(hex), "%016llx%016llx%08x",
                 static_cast<unsigned long long>(h.high64),
                 static_cast<unsigned long long>(h.low64), tail);
        ctx.reply.simple(hex);
    }
}

void debug_command(CommandContext& ctx) {
    if (!debug_allowed(ctx)) return;
    const auto& a = ctx.args;
    std::string_view sub = a[1];
    if (iequals(sub, "sleep") && a.size() == 3) {
        double secs = 0;
        if (!parse_double(a[2], &secs) || secs < 0) {
            ctx.reply.error(err_text(Err::NotFloat));
            return;
        }
        usleep(static_cast<useconds_t>(secs * 1e6));
        ctx.reply.ok();
    } else if (iequals(sub, "set-active-expire") && a.size() == 3) {
        ctx.server.set_active_expire(a[2] != "0");
        ctx.reply.ok();
    } else if (iequals(sub, "populate") && a.size() >= 3 && a.size() <= 5) {
        debug_populate(ctx);
    } else if (iequals(sub, "object") && a.size() == 3) {
        debug_object(ctx);
    } else if (iequals(sub, "digest-value")) {
        debug_digest_value(ctx);
    } else if (iequals(sub, "segfault")) {
        LOG_WARNING("DEBUG SEGFAULT requested: crashing on purpose.");
        raise(SIGSEGV);
    } else if (iequals(sub, "help")) {
        static const char* lines[] = {
            "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DIGEST-VALUE <key> [<key> ...]",
            "    Output a hex signature of the values of all the specified keys.",
            "OBJECT <key>",
            "    Show low level info about the key and associated value.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is specified then",
            "    it is used instead of the 'key' prefix.",
            "SEGFAULT",
            "    Crash the server with sigsegv.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not",
            "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
            "    default.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
            "HELP",
            "    Print this help.",
        };
        ctx.reply.array(std::size(lines));
        for (const char* l : lines) ctx.reply.simple(l);
    } else {
        ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" +
                        std::string(sub) + "'. Try DEBUG HELP.");
    }
}

}  // namespace

void register_debug_command(server::CommandTable& t) {
    using namespace server;
    t.add(def("debug", -2, kCmdAdmin | kCmdNoscript | kCmdLoading | kCmdStale, 0, 0, 0,
              debug_command, "admin slow dangerous"));
}

}  // namespace slotcache::commands
