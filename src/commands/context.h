// The few things the string and key handlers read from the server, in one place: the OpArgs
// for a command (with the master client's no-expiry lookups), the first key's slot,
// proto-max-bulk-len, whether an expire in the past may delete a key, and the name of the
// command that propagates such a deletion.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "commands/op_args.h"
#include "common/crc16.h"
#include "common/result.h"
#include "server/command.h"
#include "server/server.h"

namespace slotcache::commands {

// The lookup flags of the command's client: the master's stream sees expired keys as present.
inline uint32_t lookup_flags(const server::CommandContext& ctx) {
    return ctx.client.has_flag(server::kClientMaster) ? keyspace::kLookupNoExpire
                                                      : keyspace::kLookupNone;
}

inline OpArgs op_args(server::CommandContext& ctx) {
    return OpArgs{ctx.db, ctx.now_ms, &ctx.server.stats(), lookup_flags(ctx)};
}

// The slot of args[1]: the dispatcher computed it for commands whose first key is args[1].
inline uint16_t first_slot(const server::CommandContext& ctx) {
    return ctx.slot >= 0 ? static_cast<uint16_t>(ctx.slot) : key_slot(ctx.args[1]);
}

inline long long proto_max_bulk_len(server::CommandContext& ctx) {
    return ctx.server.cfg().proto_max_bulk_len;
}

// Redis' checkAlreadyExpired: an EXPIRE/GETEX time in the past deletes the key on a master;
// a replica (keyspace in replica mode) stores the time and waits for the master's DEL.
inline bool may_delete_expired(server::CommandContext& ctx) {
    return ctx.server.keyspace().expire_deletes();
}

// How that deletion is propagated (lazyfree-lazy-expire picks UNLINK, as in Redis).
inline const char* expired_delete_command(server::CommandContext& ctx) {
    return ctx.server.cfg().lazyfree_lazy_expire ? "UNLINK" : "DEL";
}

// A keyspace notification for `key` in the command's db (Redis' notifyKeyspaceEvent); type is
// a config::kNotify* class bit. Costs one test of the configured flags when they are off.
inline void notify(server::CommandContext& ctx, int type, std::string_view event,
                   std::string_view key) {
    ctx.server.notify_keyspace_event(type, event, key, ctx.db.id());
}

inline void reply_err(server::CommandContext& ctx, Err e) { ctx.reply.error(err_text(e)); }

// "ERR wrong number of arguments for 'mset' command" (name lowercase).
inline std::string arity_error(std::string_view name) {
    std::string s = "ERR wrong number of arguments for '";
    s.append(name);
    s.append("' command");
    return s;
}

}  // namespace slotcache::commands
