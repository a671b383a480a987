// Generic key command argument parsing; see key_args.h for the grammar and the Redis 7.0
// functions followed.
#include "commands/key_args.h"

#include <cctype>
#include <climits>
#include <string>

#include "common/strutil.h"

namespace slotcache::commands {

Parsed<ExpireCondition> parse_expire_condition(const std::vector<std::string_view>& args) {
    ExpireCondition c;
    for (size_t j = 3; j < args.size(); j++) {
        std::string_view opt = args[j];
        if (iequals(opt, "nx")) {
            c.nx = true;
        } else if (iequals(opt, "xx")) {
            c.xx = true;
        } else if (iequals(opt, "gt")) {
            c.gt = true;
        } else if (iequals(opt, "lt")) {
            c.lt = true;
        } else {
            std::string e = "ERR Unsupported option ";
            e.append(opt);
            return Parsed<ExpireCondition>::failure(std::move(e));
        }
    }
    if (c.nx && (c.xx || c.gt || c.lt)) {
        return Parsed<ExpireCondition>::failure(
            "ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if (c.gt && c.lt) {
        return Parsed<ExpireCondition>::failure(
            "ERR GT and LT options at the same time are not compatible");
    }
    return c;
}

bool expire_condition_allows(const ExpireCondition& c, int64_t current, int64_t when) {
    constexpr int64_t kNone = -1;
    if (c.nx && current != kNone) {
        return false;
    }
    if (c.xx && current == kNone) {
        return false;
    }
    // GT: no TTL is an infinite TTL, which nothing exceeds.
    if (c.gt && (current == kNone || when <= current)) {
        return false;
    }
    // LT: anything is below infinity.
    if (c.lt && current != kNone && when >= current) {
        return false;
    }
    return true;
}

Result<int64_t> resolve_expire_time(std::string_view arg, int64_t basetime, bool seconds) {
    long long when = 0;
    if (!parse_ll(arg, &when)) {
        return Err::NotInteger;
    }
    if (seconds) {
        if (when > LLONG_MAX / 1000 || when < LLONG_MIN / 1000) {
            return Err::Invalid;
        }
        when *= 1000;
    }
    // Only the upper bound is checked, as in Redis: basetime is >= 0 so a negative `when`
    // cannot underflow.
    if (when > LLONG_MAX - basetime) {
        return Err::Invalid;
    }
    return static_cast<int64_t>(when + basetime);
}

bool parse_scan_cursor(std::string_view s, uint64_t* out) {
    if (!s.empty() && isspace(static_cast<unsigned char>(s[0]))) {
        return false;
    }
    size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        negative = s[i] == '-';
        i++;
    }
    // strtoul with no digits consumes nothing: end == start, so a lone sign is garbage but the
    // empty string is cursor 0.
    if (i == s.size() && i > 0) {
        return false;
    }
    uint64_t v = 0;
    for (; i < s.size(); i++) {
        char ch = s[i];
        if (ch < '0' || ch > '9') {
            return false;
        }
        uint64_t digit = static_cast<uint64_t>(ch - '0');
        if (v > (UINT64_MAX - digit) / 10) {
            return false;  // ERANGE
        }
        v = v * 10 + digit;
    }
    *out = negative ? 0 - v : v;
    return true;
}

Parsed<ScanOptions> parse_scan_options(const std::vector<std::string_view>& args, size_t first,
                                       bool allow_type) {
    ScanOptions o;
    for (size_t i = first; i < args.size(); i += 2) {
        bool has_value = args.size() - i >= 2;
        std::string_view opt = args[i];
        if (iequals(opt, "count") && has_value) {
            if (!parse_ll(args[i + 1], &o.count)) {
                return Err::NotInteger;
            }
            if (o.count < 1) {
                return Err::Syntax;
            }
        } else if (iequals(opt, "match") && has_value) {
            o.pattern = args[i + 1];
            o.has_pattern = o.pattern != "*";
            if (!o.has_pattern) {
                o.pattern = {};
            }
        } else if (iequals(opt, "type") && allow_type && has_value) {
            o.type = args[i + 1];
            o.has_type = true;
        } else {
            return Err::Syntax;
        }
    }
    return o;
}

Parsed<CopyOptions> parse_copy_options(const std::vector<std::string_view>& args, int db_count) {
    CopyOptions o;
    for (size_t j = 3; j < args.size(); j++) {
        bool has_value = args.size() - j - 1 >= 1;
        if (iequals(args[j], "replace")) {
            o.replace = true;
        } else if (iequals(args[j], "db") && has_value) {
            long long db = 0;
            if (!parse_ll(args[j + 1], &db) || db < INT_MIN || db > INT_MAX) {
                return Err::NotInteger;
            }
            if (db < 0 || db >= db_count) {
                return Err::InvalidDb;
            }
            o.db = static_cast<int>(db);
            j++;
        } else {
            return Err::Syntax;
        }
    }
    return o;
}

}  // namespace slotcache::commands
