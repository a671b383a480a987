// Config: the live Values, CONFIG GET and CONFIG SET over the directive table, and the small
// enum/flag formatters other modules print in INFO. Loading is in load.cpp, REWRITE in
// rewrite.cpp.
//
// CONFIG SET follows Redis 7.0's configSetCommand step by step: (1) look every name up, first
// problem wins (unknown name, immutable/protected, duplicate); (2) parse all values into a copy
// of Values, the first parse error aborts with nothing changed; (3) swap the copy in and run the
// hooks of the directives whose value changed, in argument order; (4) on a hook error restore the
// old Values and run the same hooks again so the server follows the restored values.
// Thread: loop thread.
#include <algorithm>

#include "common/strutil.h"
#include "config/config.h"
#include "config/directives.h"
#include "config/text.h"

namespace slotcache::config {

namespace {

constexpr long long kMinHz = 1;
constexpr long long kMaxHz = 500;

bool has_glob(std::string_view s) { return s.find_first_of("[*?") != std::string_view::npos; }

bool listed(const std::vector<std::pair<std::string, std::string>>& out, std::string_view name) {
    return std::any_of(out.begin(), out.end(),
                       [&](const auto& kv) { return text::iequals(kv.first, name); });
}

// The table spelling the user reached the directive by (alias or canonical name).
std::string_view spelled_name(const detail::Directive& d, std::string_view typed) {
    return (!d.alias.empty() && text::iequals(d.alias, typed)) ? d.alias : d.name;
}

}  // namespace

Config::Config() : hooks_(detail::directives().size()) {}

bool Config::set_hook(std::string_view name, ApplyHook hook) {
    int idx = detail::find_directive(name);
    if (idx < 0) {
        return false;
    }
    hooks_[idx] = std::move(hook);
    return true;
}

bool Config::is_sensitive(std::string_view name) {
    int idx = detail::find_directive(name);
    return idx >= 0 && (detail::directives()[idx].flags & detail::kSensitive) != 0;
}

// Exact names are answered as typed; a glob answers every matching name, aliases included (Redis
// 7.0 registers aliases as names of their own). A directive already listed is not repeated.
std::vector<std::pair<std::string, std::string>> Config::get(
    const std::vector<std::string_view>& patterns) const {
    std::vector<std::pair<std::string, std::string>> out;
    auto table = detail::directives();
    for (std::string_view pat : patterns) {
        if (!has_glob(pat)) {
            int idx = detail::find_directive(pat);
            if (idx >= 0 && !listed(out, pat)) {
                out.emplace_back(std::string(pat), detail::get_value(table[idx], values_));
            }
            continue;
        }
        for (const detail::Directive& d : table) {
            for (std::string_view name : {d.name, d.alias}) {
                if (name.empty() || listed(out, name) || !glob_match(pat, name, true)) {
                    continue;
                }
                out.emplace_back(std::string(name), detail::get_value(d, values_));
            }
        }
    }
    return out;
}

std::string Config::set(const std::vector<std::string_view>& args, bool client_is_local) {
    if (args.size() % 2 != 0) {
        return "ERR syntax error";
    }
    auto table = detail::directives();
    size_t count = args.size() / 2;
    std::vector<int> idx(count, -1);
    std::string unknown;
    std::string errstr;
    std::string err_name;
    bool invalid = false;
    // Step 1: names.
    for (size_t i = 0; i < count; ++i) {
        std::string_view name = args[2 * i];
        int j = detail::find_directive(name);
        if (j < 0) {
            if (!invalid) {
                unknown = name;
                invalid = true;
            }
            continue;
        }
        if (invalid) {
            continue;
        }
        const detail::Directive& d = table[j];
        bool protected_ok = values_.enable_protected_configs == ProtectedAction::Yes ||
                            (values_.enable_protected_configs == ProtectedAction::Local &&
                             client_is_local);
        bool unhooked = (d.flags & detail::kNeedsHook) && !hooks_[j];
        bool refused_protected = (d.flags & detail::kProtected) && !protected_ok;
        if ((d.flags & detail::kImmutable) || refused_protected || unhooked) {
            errstr = !(d.flags & detail::kImmutable) && refused_protected
                         ? "can't set protected config"
                         : "can't set immutable config";
            err_name = name;
            invalid = true;
            continue;
        }
        if (std::find(idx.begin(), idx.begin() + i, j) != idx.begin() + i) {
            errstr = "duplicate parameter";
            err_name = name;
            invalid = true;
            continue;
        }
        idx[i] = j;
    }
    if (!unknown.empty()) {
        return "ERR Unknown option or number of arguments for CONFIG SET - '" + unknown + "'";
    }
    if (invalid) {
        return "ERR CONFIG SET failed (possibly related to argument '" + err_name + "') - " +
               errstr;
    }
    // Step 2: parse into a copy.
    Values next = values_;
    for (size_t i = 0; i < count; ++i) {
        const detail::Directive& d = table[idx[i]];
        std::string_view value = args[2 * i + 1];
        std::vector<std::string> vals = (d.flags & detail::kMultiArg)
                                            ? text::split(value, ' ')
                                            : std::vector<std::string>{std::string(value)};
        std::string err = detail::set_value(d, next, vals, false);
        if (!err.empty()) {
            return "ERR CONFIG SET failed (possibly related to argument '" +
                   std::string(spelled_name(d, args[2 * i])) + "') - " + err;
        }
    }
    next.hz = std::clamp(next.hz, kMinHz, kMaxHz);  // Redis' updateHZ
    std::vector<size_t> changed;
    for (size_t i = 0; i < count; ++i) {
        const detail::Directive& d = table[idx[i]];
        if (detail::get_value(d, next) != detail::get_value(d, values_)) {
            changed.push_back(i);
        }
    }
    // Step 3: apply.
    Values old = std::move(values_);
    values_ = std::move(next);
    for (size_t k = 0; k < changed.size(); ++k) {
        size_t i = changed[k];
        const ApplyHook& hook = hooks_[idx[i]];
        if (!hook) {
            continue;
        }
        std::string err = hook(values_);
        if (err.empty()) {
            continue;
        }
        // Step 4: roll back; a hook failing again here has nothing better to fall back to.
        values_ = std::move(old);
        for (size_t r = 0; r <= k; ++r) {
            if (const ApplyHook& h = hooks_[idx[changed[r]]]) {
                (void)h(values_);
            }
        }
        return "ERR CONFIG SET failed (possibly related to argument '" +
               std::string(spelled_name(table[idx[i]], args[2 * i])) + "') - " + err;
    }
    return {};
}

std::string_view to_string(MaxmemoryPolicy p) {
    switch (p) {
        case MaxmemoryPolicy::VolatileLru: return "volatile-lru";
        case MaxmemoryPolicy::VolatileLfu: return "volatile-lfu";
        case MaxmemoryPolicy::VolatileRandom: return "volatile-random";
        case MaxmemoryPolicy::VolatileTtl: return "volatile-ttl";
        case MaxmemoryPolicy::AllkeysLru: return "allkeys-lru";
        case MaxmemoryPolicy::AllkeysLfu: return "allkeys-lfu";
        case MaxmemoryPolicy::AllkeysRandom: return "allkeys-random";
        case MaxmemoryPolicy::NoEviction: return "noeviction";
    }
    return "unknown";
}

std::string_view to_string(AppendFsync f) {
    switch (f) {
        case AppendFsync::Everysec: return "everysec";
        case AppendFsync::Always: return "always";
        case AppendFsync::No: return "no";
    }
    return "unknown";
}

std::string_view to_string(EndpointType t) {
    switch (t) {
        case EndpointType::Ip: return "ip";
        case EndpointType::Hostname: return "hostname";
        case EndpointType::UnknownEndpoint: return "unknown-endpoint";
    }
    return "unknown";
}

// keyspaceEventsStringToFlags.
int parse_notify_flags(std::string_view s) {
    int flags = 0;
    for (char c : s) {
        switch (c) {
            case 'A': flags |= kNotifyAll; break;
            case 'g': flags |= kNotifyGeneric; break;
            case '$': flags |= kNotifyString; break;
            case 'l': flags |= kNotifyList; break;
            case 's': flags |= kNotifySet; break;
            case 'h': flags |= kNotifyHash; break;
            case 'z': flags |= kNotifyZset; break;
            case 'x': flags |= kNotifyExpired; break;
            case 'e': flags |= kNotifyEvicted; break;
            case 'K': flags |= kNotifyKeyspace; break;
            case 'E': flags |= kNotifyKeyevent; break;
            case 't': flags |= kNotifyStream; break;
            case 'm': flags |= kNotifyKeyMiss; break;
            case 'd': flags |= kNotifyModule; break;
            case 'n': flags |= kNotifyNew; break;
            default: return -1;
        }
    }
    return flags;
}

// keyspaceEventsFlagsToString: "A" when all of A is set (then 'n' is not shown, as in Redis),
// else each class; then K, E, m.
std::string notify_flags_to_string(int flags) {
    std::string r;
    if ((flags & kNotifyAll) == kNotifyAll) {
        r += 'A';
    } else {
        constexpr std::pair<int, char> kClasses[] = {
            {kNotifyGeneric, 'g'}, {kNotifyString, '$'},  {kNotifyList, 'l'},
            {kNotifySet, 's'},     {kNotifyHash, 'h'},    {kNotifyZset, 'z'},
            {kNotifyExpired, 'x'}, {kNotifyEvicted, 'e'}, {kNotifyStream, 't'},
            {kNotifyModule, 'd'}, {kNotifyNew, 'n'},
        };
        for (const auto& [bit, ch] : kClasses) {
            if (flags & bit) {
                r += ch;
            }
        }
    }
    if (flags & kNotifyKeyspace) {
        r += 'K';
    }
    if (flags & kNotifyKeyevent) {
        r += 'E';
    }
    if (flags & kNotifyKeyMiss) {
        r += 'm';
    }
    return r;
}

}  // namespace slotcache::config
