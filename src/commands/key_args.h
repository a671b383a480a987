// Argument parsing for the generic key commands: the EXPIRE family's NX/XX/GT/LT options and
// time, SCAN's cursor and MATCH/COUNT/TYPE options, COPY's DB/REPLACE options.
//
// Each function follows the Redis 7.0 function named in its comment, including the order in
// which errors are detected (a client sending two mistakes sees the same one Redis reports).
//
// Pure functions, any thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "commands/parsed.h"
#include "common/result.h"

namespace slotcache::commands {

// ---- EXPIRE key time [NX | XX | GT | LT] (expire.c parseExtendedExpireArgumentsOrReply) ----

struct ExpireCondition {
    bool nx = false;  // only when the key has no TTL
    bool xx = false;  // only when the key has a TTL
    bool gt = false;  // only when the new time is later (a key without TTL is "infinite")
    bool lt = false;  // only when the new time is earlier (no TTL counts as infinite)
    bool any() const { return nx || xx || gt || lt; }
};

// args is ("expire", key, time, options...). Errors: "ERR Unsupported option <opt>",
// "ERR NX and XX, GT or LT options at the same time are not compatible",
// "ERR GT and LT options at the same time are not compatible".
Parsed<ExpireCondition> parse_expire_condition(const std::vector<std::string_view>& args);

// Whether a key whose current expire is `current` (kNoExpire = -1 for none) may take the
// new time `when` under the condition (expireGenericCommand's checks).
bool expire_condition_allows(const ExpireCondition& c, int64_t current, int64_t when);

// The absolute unix ms time of an EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT argument: basetime is now
// for the relative commands and 0 for the *AT ones. Negative results are allowed (the key is
// then deleted). Err::NotInteger, or Err::Invalid ("invalid expire time") on overflow.
Result<int64_t> resolve_expire_time(std::string_view arg, int64_t basetime, bool seconds);

// ---- SCAN cursor [MATCH pattern] [COUNT n] [TYPE type] (db.c scanGenericCommand) ----

// Redis' parseScanCursorOrReply: strtoul rules, so "+1", "01", "-1" (wraps) and "" (0) are
// accepted; leading space, trailing garbage and values past 2^64-1 are not.
bool parse_scan_cursor(std::string_view s, uint64_t* out);

struct ScanOptions {
    std::string_view pattern;  // empty with has_pattern false when MATCH is absent or "*"
    bool has_pattern = false;
    long long count = 10;
    std::string_view type;  // empty when TYPE is absent
    bool has_type = false;
};

// Options from args[first] on. allow_type: TYPE is SCAN's alone (HSCAN/SSCAN/ZSCAN reject it
// as a syntax error). Errors: "ERR value is not an integer or out of range" for a bad COUNT,
// "ERR syntax error" for COUNT < 1, an unknown option, or a missing value. An unknown TYPE name
// is not an error in 7.0: nothing matches it.
Parsed<ScanOptions> parse_scan_options(const std::vector<std::string_view>& args, size_t first,
                                       bool allow_type);

// ---- COPY source destination [DB n] [REPLACE] (db.c copyCommand) ----

struct CopyOptions {
    bool replace = false;
    int db = -1;  // -1: the client's current database
};

// db_count bounds DB n ("ERR DB index is out of range", checked as soon as DB is read, as
// Redis does). Other errors: "ERR value is not an integer or out of range", "ERR syntax error".
Parsed<CopyOptions> parse_copy_options(const std::vector<std::string_view>& args, int db_count);

}  // namespace slotcache::commands
