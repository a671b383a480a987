// Option parsing for SET and GETEX, and the expire arithmetic they share with SETEX/PSETEX.
//
// Redis 7.0 (t_string.c parseExtendedStringArgumentsOrReply, getExpireMillisecondsOrReply):
//   SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]
//   GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]
// Options are case-insensitive. One expire kind excludes the others (and KEEPTTL/PERSIST), but
// repeating the same kind is accepted and the last value wins; NX NX is fine, NX XX is not.
// Every violation is "ERR syntax error". The expire value is not checked while parsing: SET
// checks it before touching the key, GETEX only once the key is found (GETEX on a missing key
// with "EX 0" replies nil, as Redis does), so parsing keeps the raw argument.
//
// Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "commands/parsed.h"
#include "common/result.h"

namespace slotcache::commands {

enum class ExpireKind : uint8_t { None, Ex, Px, ExAt, PxAt, KeepTtl, Persist };

struct SetOptions {
    bool nx = false;
    bool xx = false;
    bool get = false;
    ExpireKind expire = ExpireKind::None;  // None, Ex, Px, ExAt, PxAt or KeepTtl
    std::string_view expire_arg;           // the raw number after EX/PX/EXAT/PXAT
};

struct GetexOptions {
    ExpireKind expire = ExpireKind::None;  // None, Ex, Px, ExAt, PxAt or Persist
    std::string_view expire_arg;
};

// args is the whole command line ("set", key, value, options...). Views borrow from args.
Result<SetOptions> parse_set_options(const std::vector<std::string_view>& args);
// args is ("getex", key, options...).
Result<GetexOptions> parse_getex_options(const std::vector<std::string_view>& args);

// True for the kinds that carry a time argument (Ex, Px, ExAt, PxAt).
bool expire_has_time(ExpireKind kind);

// The absolute expire time, in unix ms, of an EX/PX/EXAT/PXAT argument at now_ms.
// Err::NotInteger when arg is not an integer; Err::Invalid ("invalid expire time") when it is
// <= 0, when seconds overflow on conversion, or when the result is not positive (overflow
// adding now_ms to a relative time).
Result<int64_t> resolve_set_expire(ExpireKind kind, std::string_view arg, int64_t now_ms);

// "ERR invalid expire time in 'set' command": command is the lowercase command name.
std::string invalid_expire_error(std::string_view command);

}  // namespace slotcache::commands
