// See text.h. The loops follow Redis' sds.c / util.c so that every accepted and rejected input is
// the same. sdssplitargs and sdscatrepr are the shared ones in common/splitargs (the cli and the
// RESP parser's inline commands use them too); the rest is config-only.
#include "config/text.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "common/splitargs.h"

namespace slotcache::config::text {

bool split_args(std::string_view line, std::vector<std::string>* out) {
    return slotcache::split_args(line, out);
}

std::string quote(std::string_view s) { return slotcache::repr(s); }

std::string_view trim(std::string_view s) {
    constexpr std::string_view kBlank = " \t\r\n";
    size_t b = s.find_first_not_of(kBlank);
    if (b == std::string_view::npos) {
        return {};
    }
    size_t e = s.find_last_not_of(kBlank);
    return s.substr(b, e - b + 1);
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    if (s.empty()) {
        return out;
    }
    size_t start = 0;
    for (;;) {
        size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            out.emplace_back(s.substr(start));
            return out;
        }
        out.emplace_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

bool parse_memory(std::string_view s, unsigned long long* out) {
    if (!s.empty() && s[0] == '-') {
        return false;
    }
    size_t digits = 0;
    while (digits < s.size() && isdigit(static_cast<unsigned char>(s[digits]))) {
        ++digits;
    }
    std::string unit = lower(s.substr(digits));
    unsigned long long mul = 0;
    if (unit.empty() || unit == "b") {
        mul = 1;
    } else if (unit == "k") {
        mul = 1000;
    } else if (unit == "kb") {
        mul = 1024;
    } else if (unit == "m") {
        mul = 1000ULL * 1000;
    } else if (unit == "mb") {
        mul = 1024ULL * 1024;
    } else if (unit == "g") {
        mul = 1000ULL * 1000 * 1000;
    } else if (unit == "gb") {
        mul = 1024ULL * 1024 * 1024;
    } else {
        return false;
    }
    if (digits >= 128) {
        return false;
    }
    // strtoull of only digits: "" is 0 as in Redis (memtoull accepts "kb" as 0), overflow fails.
    std::string num(s.substr(0, digits));
    errno = 0;
    unsigned long long val = strtoull(num.c_str(), nullptr, 10);
    if (errno == ERANGE || val > ULLONG_MAX / mul) {
        return false;
    }
    *out = val * mul;
    return true;
}

std::string format_memory(long long bytes) {
    constexpr long long kGb = 1024LL * 1024 * 1024;
    constexpr long long kMb = 1024LL * 1024;
    constexpr long long kKb = 1024;
    char buf[64];
    if (bytes != 0 && bytes % kGb == 0) {
        snprintf(buf, sizeof(buf), "%lldgb", bytes / kGb);
    } else if (bytes != 0 && bytes % kMb == 0) {
        snprintf(buf, sizeof(buf), "%lldmb", bytes / kMb);
    } else if (bytes != 0 && bytes % kKb == 0) {
        snprintf(buf, sizeof(buf), "%lldkb", bytes / kKb);
    } else {
        snprintf(buf, sizeof(buf), "%lld", bytes);
    }
    return buf;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (tolower(static_cast<unsigned char>(a[i])) !=
            tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r) {
        c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    }
    return r;
}

}  // namespace slotcache::config::text
