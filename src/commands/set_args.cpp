// SET / GETEX option parsing and expire arithmetic; see set_args.h for the grammar and the
// Redis 7.0 functions this follows line by line.
#include "commands/set_args.h"

#include <climits>

#include "common/strutil.h"

namespace slotcache::commands {

namespace {

bool is_time_kind(ExpireKind k) {
    return k == ExpireKind::Ex || k == ExpireKind::Px || k == ExpireKind::ExAt ||
           k == ExpireKind::PxAt;
}

ExpireKind time_kind_of(std::string_view opt) {
    if (iequals(opt, "ex")) {
        return ExpireKind::Ex;
    }
    if (iequals(opt, "px")) {
        return ExpireKind::Px;
    }
    if (iequals(opt, "exat")) {
        return ExpireKind::ExAt;
    }
    if (iequals(opt, "pxat")) {
        return ExpireKind::PxAt;
    }
    return ExpireKind::None;
}

// The expire part shared by SET and GETEX: a time kind may follow nothing or itself; KEEPTTL
// and PERSIST may follow nothing or themselves. Returns false on a conflict.
bool accept_expire(ExpireKind current, ExpireKind next) {
    return current == ExpireKind::None || current == next;
}

// Parses one expire option at args[*j]; advances *j past its value. Returns Err::Syntax on a
// conflict or a missing value, Err::NotFound when args[*j] is not an expire option.
Err parse_expire_option(const std::vector<std::string_view>& args, size_t* j, ExpireKind* kind,
                        std::string_view* arg) {
    ExpireKind k = time_kind_of(args[*j]);
    if (k == ExpireKind::None) {
        return Err::NotFound;
    }
    if (!accept_expire(*kind, k) || *j + 1 >= args.size()) {
        return Err::Syntax;
    }
    *kind = k;
    *arg = args[*j + 1];
    ++*j;
    return Err::Ok;
}

}  // namespace

bool expire_has_time(ExpireKind kind) { return is_time_kind(kind); }

Result<SetOptions> parse_set_options(const std::vector<std::string_view>& args) {
    SetOptions o;
    for (size_t j = 3; j < args.size(); j++) {
        std::string_view opt = args[j];
        if (iequals(opt, "nx") && !o.xx) {
            o.nx = true;
        } else if (iequals(opt, "xx") && !o.nx) {
            o.xx = true;
        } else if (iequals(opt, "get")) {
            o.get = true;
        } else if (iequals(opt, "keepttl") && accept_expire(o.expire, ExpireKind::KeepTtl)) {
            o.expire = ExpireKind::KeepTtl;
        } else {
            Err e = parse_expire_option(args, &j, &o.expire, &o.expire_arg);
            if (e != Err::Ok) {
                return Err::Syntax;
            }
        }
    }
    return o;
}

Result<GetexOptions> parse_getex_options(const std::vector<std::string_view>& args) {
    GetexOptions o;
    for (size_t j = 2; j < args.size(); j++) {
        if (iequals(args[j], "persist") && accept_expire(o.expire, ExpireKind::Persist)) {
            o.expire = ExpireKind::Persist;
        } else {
            Err e = parse_expire_option(args, &j, &o.expire, &o.expire_arg);
            if (e != Err::Ok) {
                return Err::Syntax;
            }
        }
    }
    return o;
}

Result<int64_t> resolve_set_expire(ExpireKind kind, std::string_view arg, int64_t now_ms) {
    long long v = 0;
    if (!parse_ll(arg, &v)) {
        return Err::NotInteger;
    }
    bool seconds = kind == ExpireKind::Ex || kind == ExpireKind::ExAt;
    if (v <= 0 || (seconds && v > LLONG_MAX / 1000)) {
        return Err::Invalid;
    }
    if (seconds) {
        v *= 1000;
    }
    if (kind == ExpireKind::Ex || kind == ExpireKind::Px) {
        // Redis lets the sum wrap and then rejects a non-positive result; we detect it instead
        // of relying on signed overflow.
        if (__builtin_add_overflow(v, static_cast<long long>(now_ms), &v)) {
            return Err::Invalid;
        }
    }
    if (v <= 0) {
        return Err::Invalid;
    }
    return static_cast<int64_t>(v);
}

std::string invalid_expire_error(std::string_view command) {
    std::string s = "ERR invalid expire time in '";
    s.append(command);
    s.append("' command");
    return s;
}

}  // namespace slotcache::commands
