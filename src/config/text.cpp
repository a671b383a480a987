// See text.h. The loops follow Redis' sds.c / util.c so that every accepted and rejected input is
// the same; they are written over string_view with '\0' standing for "past the end", as in C.
#include "config/text.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace slotcache::config::text {

namespace {

char at(std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; }

bool is_hex(char c) { return isxdigit(static_cast<unsigned char>(c)) != 0; }

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return (tolower(static_cast<unsigned char>(c)) - 'a') + 10;
}

bool is_space(char c) { return c != '\0' && isspace(static_cast<unsigned char>(c)) != 0; }

// One token starting at s[*p] (not a blank). Mirrors the inner loop of sdssplitargs.
bool read_token(std::string_view s, size_t* p, std::string* cur) {
    bool inq = false;
    bool insq = false;
    for (;;) {
        char c = at(s, *p);
        if (inq) {
            if (c == '\\' && at(s, *p + 1) == 'x' && is_hex(at(s, *p + 2)) &&
                is_hex(at(s, *p + 3))) {
                cur->push_back(static_cast<char>(hex_value(at(s, *p + 2)) * 16 +
                                                 hex_value(at(s, *p + 3))));
                *p += 3;
            } else if (c == '\\' && at(s, *p + 1) != '\0') {
                ++*p;
                switch (at(s, *p)) {
                    case 'n': cur->push_back('\n'); break;
                    case 'r': cur->push_back('\r'); break;
                    case 't': cur->push_back('\t'); break;
                    case 'b': cur->push_back('\b'); break;
                    case 'a': cur->push_back('\a'); break;
                    default: cur->push_back(at(s, *p)); break;
                }
            } else if (c == '"') {
                if (at(s, *p + 1) != '\0' && !is_space(at(s, *p + 1))) {
                    return false;
                }
                ++*p;
                return true;
            } else if (c == '\0') {
                return false;
            } else {
                cur->push_back(c);
            }
        } else if (insq) {
            if (c == '\\' && at(s, *p + 1) == '\'') {
                ++*p;
                cur->push_back('\'');
            } else if (c == '\'') {
                if (at(s, *p + 1) != '\0' && !is_space(at(s, *p + 1))) {
                    return false;
                }
                ++*p;
                return true;
            } else if (c == '\0') {
                return false;
            } else {
                cur->push_back(c);
            }
        } else {
            switch (c) {
                case ' ':
                case '\n':
                case '\r':
                case '\t':
                case '\0':
                    if (c != '\0') {
                        ++*p;
                    }
                    return true;
                case '"': inq = true; break;
                case '\'': insq = true; break;
                default: cur->push_back(c); break;
            }
        }
        ++*p;
    }
}

}  // namespace

bool split_args(std::string_view line, std::vector<std::string>* out) {
    out->clear();
    size_t p = 0;
    for (;;) {
        while (is_space(at(line, p))) {
            ++p;
        }
        if (at(line, p) == '\0') {
            return true;
        }
        std::string cur;
        if (!read_token(line, &p, &cur)) {
            out->clear();
            return false;
        }
        out->push_back(std::move(cur));
    }
}

std::string quote(std::string_view s) {
    std::string r = "\"";
    for (char c : s) {
        switch (c) {
            case '\\': r += "\\\\"; break;
            case '"': r += "\\\""; break;
            case '\n': r += "\\n"; break;
            case '\r': r += "\\r"; break;
            case '\t': r += "\\t"; break;
            case '\a': r += "\\a"; break;
            case '\b': r += "\\b"; break;
            default:
                if (isprint(static_cast<unsigned char>(c))) {
                    r.push_back(c);
                } else {
                    char buf[8];
                    snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
                    r += buf;
                }
                break;
        }
    }
    r.push_back('"');
    return r;
}

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
