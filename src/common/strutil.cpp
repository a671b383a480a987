#include "common/strutil.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace slotcache {

bool parse_ll(std::string_view s, long long* out) {
    if (s.empty() || s.size() > 20) return false;
    size_t i = 0;
    bool neg = false;
    if (s.size() == 1 && s[0] == '0') {
        *out = 0;
        return true;
    }
    if (s[0] == '-') {
        neg = true;
        i = 1;
        if (s.size() == 1) return false;
    }
    if (s[i] < '1' || s[i] > '9') return false;
    unsigned long long v = 0;
    for (; i < s.size(); i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        unsigned d = static_cast<unsigned>(s[i] - '0');
        if (v > (~0ULL - d) / 10) return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > static_cast<unsigned long long>(INT64_MAX) + 1) return false;
        *out = static_cast<long long>(0 - v);
    } else {
        if (v > static_cast<unsigned long long>(INT64_MAX)) return false;
        *out = static_cast<long long>(v);
    }
    return true;
}

bool parse_long_double(std::string_view s, long double* out) {
    // Redis' string2ld: MAX_LONG_DOUBLE_CHARS is 5*1024 including the terminator.
    if (s.empty() || s.size() >= 5120) return false;
    if (isspace(static_cast<unsigned char>(s[0]))) return false;
    char buf[5121];
    memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    char* end = nullptr;
    errno = 0;
    long double v = strtold(buf, &end);
    if (end != buf + s.size() || std::isnan(v)) return false;
    // Overflow (inf) and underflow to zero are errors; a denormal result is accepted, as Redis.
    if (errno == ERANGE && (std::isinf(v) || v == 0)) return false;
    *out = v;
    return true;
}

bool parse_double(std::string_view s, double* out) {
    if (s.empty() || s.size() > 5120) return false;
    if (isspace(static_cast<unsigned char>(s[0]))) return false;
    char buf[5121];
    memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    char* end = nullptr;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + s.size() || std::isnan(v)) return false;
    *out = v;
    return true;
}

size_t ll_to_chars(long long v, char* buf) {
    char tmp[24];
    unsigned long long u = v < 0 ? 0ULL - static_cast<unsigned long long>(v)
                                 : static_cast<unsigned long long>(v);
    size_t n = 0;
    do {
        tmp[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    return len;
}

std::string ll_to_string(long long v) {
    char buf[24];
    return std::string(buf, ll_to_chars(v, buf));
}

std::string double_to_string(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%.17g", v);
    return std::string(buf, static_cast<size_t>(n));
}

std::string long_double_to_string(long double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[5600];
    int n = snprintf(buf, sizeof(buf), "%.17Lf", v);
    if (n <= 0 || static_cast<size_t>(n) >= sizeof(buf)) return "0";
    std::string s(buf, static_cast<size_t>(n));
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

namespace {
bool match_impl(const char* p, size_t plen, const char* s, size_t slen, bool nocase, int depth) {
    // The depth bound keeps a hostile pattern of many '*' from recursing without limit.
    if (depth > 1000) return false;
    while (plen && slen) {
        switch (p[0]) {
            case '*':
                while (plen > 1 && p[1] == '*') {
                    p++;
                    plen--;
                }
                if (plen == 1) return true;
                while (slen) {
                    if (match_impl(p + 1, plen - 1, s, slen, nocase, depth + 1)) return true;
                    s++;
                    slen--;
                }
                return false;
            case '?':
                s++;
                slen--;
                break;
            case '[': {
                p++;
                plen--;
                bool negate = plen && p[0] == '^';
                if (negate) {
                    p++;
                    plen--;
                }
                bool match = false;
                while (plen) {
                    if (p[0] == '\\' && plen >= 2) {
                        p++;
                        plen--;
                        if (p[0] == s[0]) match = true;
                    } else if (p[0] == ']') {
                        break;
                    } else if (plen >= 3 && p[1] == '-') {
                        int start = static_cast<unsigned char>(p[0]);
                        int end = static_cast<unsigned char>(p[2]);
                        int c = static_cast<unsigned char>(s[0]);
                        if (start > end) std::swap(start, end);
                        if (nocase) {
                            start = tolower(start);
                            end = tolower(end);
                            c = tolower(c);
                        }
                        p += 2;
                        plen -= 2;
                        if (c >= start && c <= end) match = true;
                    } else if (nocase ? tolower(static_cast<unsigned char>(p[0])) ==
                                            tolower(static_cast<unsigned char>(s[0]))
                                      : p[0] == s[0]) {
                        match = true;
                    }
                    p++;
                    plen--;
                }
                if (plen == 0) {  // pattern ended inside [ ]: treat the last char as ']'
                    p--;
                    plen++;
                }
                if (negate) match = !match;
                if (!match) return false;
                s++;
                slen--;
                break;
            }
            case '\\':
                if (plen >= 2) {
                    p++;
                    plen--;
                }
                [[fallthrough]];
            default:
                if (nocase ? tolower(static_cast<unsigned char>(p[0])) !=
                                 tolower(static_cast<unsigned char>(s[0]))
                           : p[0] != s[0]) {
                    return false;
                }
                s++;
                slen--;
                break;
        }
        p++;
        plen--;
        if (slen == 0) {
            while (plen && *p == '*') {
                p++;
                plen--;
            }
            break;
        }
    }
    return plen == 0 && slen == 0;
}
}  // namespace

bool glob_match(std::string_view pattern, std::string_view s, bool nocase) {
    return match_impl(pattern.data(), pattern.size(), s.data(), s.size(), nocase, 0);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::string to_lower(std::string_view s) {
    std::string r(s);
    for (auto& c : r) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    return r;
}

std::string bytes_to_human(uint64_t n) {
    char buf[64];
    double d = static_cast<double>(n);
    if (n < 1024) {
        snprintf(buf, sizeof(buf), "%lluB", static_cast<unsigned long long>(n));
    } else if (n < 1024ULL * 1024) {
        snprintf(buf, sizeof(buf), "%.2fK", d / 1024);
    } else if (n < 1024ULL * 1024 * 1024) {
        snprintf(buf, sizeof(buf), "%.2fM", d / (1024.0 * 1024));
    } else if (n < 1024ULL * 1024 * 1024 * 1024) {
        snprintf(buf, sizeof(buf), "%.2fG", d / (1024.0 * 1024 * 1024));
    } else {
        snprintf(buf, sizeof(buf), "%.2fT", d / (1024.0 * 1024 * 1024 * 1024));
    }
    return buf;
}

bool parse_memory(std::string_view s, long long* out) {
    size_t i = 0;
    while (i < s.size() && (isdigit(static_cast<unsigned char>(s[i])) || (i == 0 && s[i] == '-'))) {
        i++;
    }
    long long base = 0;
    if (!parse_ll(s.substr(0, i), &base)) return false;
    std::string unit = to_lower(s.substr(i));
    long long mul = 1;
    if (unit.empty() || unit == "b") mul = 1;
    else if (unit == "k") mul = 1000;
    else if (unit == "kb") mul = 1024;
    else if (unit == "m") mul = 1000 * 1000;
    else if (unit == "mb") mul = 1024 * 1024;
    else if (unit == "g") mul = 1000LL * 1000 * 1000;
    else if (unit == "gb") mul = 1024LL * 1024 * 1024;
    else return false;
    if (base != 0 && (base > INT64_MAX / mul || base < INT64_MIN / mul)) return false;
    *out = base * mul;
    return true;
}

}  // namespace slotcache
