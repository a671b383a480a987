// SAVE, BGSAVE, LASTSAVE, DUMP, RESTORE, RESTORE-ASKING: registration, and RESTORE's argument
// parsing and data work as pure functions for the unit tests (persistence.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/op_args.h"
#include "commands/parsed.h"

namespace slotcache::server {
class CommandTable;
}

namespace slotcache::commands {

void register_persistence_commands(server::CommandTable& table);

// RESTORE's options after the payload: REPLACE, ABSTTL, IDLETIME s, FREQ f (IDLETIME and FREQ
// exclude each other: the second is a syntax error, as in Redis).
struct RestoreOptions {
    bool replace = false;
    bool absttl = false;
    long long idle = -1;  // seconds, -1: not given
    long long freq = -1;  // 0..255, -1: not given
};
Parsed<RestoreOptions> parse_restore_options(const std::vector<std::string_view>& args);

enum class RestoreOutcome : uint8_t {
    Restored,         // +OK, the key now holds the value
    ExpiredReplaced,  // +OK, the TTL was already past: REPLACE deleted the old key, nothing added
    ExpiredNothing,   // +OK, the TTL was already past and nothing changed
    Error,            // RestoreResult::error holds the reply
};

struct RestoreResult {
    RestoreOutcome outcome = RestoreOutcome::Error;
    std::string error;
    int64_t expire_at = -1;  // absolute ms of the restored key's TTL, -1 for none
};

// RESTORE key ttl payload with parsed options, in Redis 7.0's order of checks: BUSYKEY, the
// TTL ("ERR value is not an integer or out of range", "ERR Invalid TTL value, must be >= 0"),
// the payload's version and checksum, then its body ("ERR Bad data format"). may_expire:
// false on a replica, where a TTL in the past is kept (checkAlreadyExpired).
RestoreResult op_restore(const OpArgs& op, std::string_view key, uint16_t slot,
                         std::string_view ttl_arg, std::string_view payload,
                         const RestoreOptions& opts, bool may_expire);

}  // namespace slotcache::commands
