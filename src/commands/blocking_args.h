// What every blocking command (BLPOP ... BLMPOP in list_blocking.cpp, BZPOPMIN BZPOPMAX BZMPOP
// in zset_blocking.cpp) does before it blocks: read its timeout and decide whether it may block
// at all. Defined in list_blocking.cpp.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <string_view>

#include "server/command.h"

namespace slotcache::commands {

// Redis 7.0's getTimeoutFromObjectOrReply with UNIT_SECONDS: the absolute deadline in unix ms
// into *deadline (0 = forever). On a bad timeout it replies Redis' error and returns false.
bool parse_timeout_or_reply(server::CommandContext& ctx, std::string_view arg, int64_t* deadline);

// False inside MULTI/EXEC and for this node's master: there the command answers its timeout
// reply at once (a blocking command never blocks in a transaction).
bool may_block(server::CommandContext& ctx);

}  // namespace slotcache::commands
