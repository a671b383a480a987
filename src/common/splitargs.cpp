// See splitargs.h. The splitter follows sdssplitargs' loop in sds.c, written over a string_view
// with at() returning '\0' past the end, so that "end of line" and "a NUL byte" are the same
// thing, as for the C string Redis walks. The two quoted states of the C loop (inq, insq) are
// one state here, the quote we are inside, since they differ only in which escapes they know;
// the order of the checks is Redis' (escape, then closing quote, then end), which is what makes
// odd inputs (a quote mid-word, a backslash before the end, "\x4" with one hex digit) behave as
// in Redis without a special case each.
#include "common/splitargs.h"

#include <cstdio>

namespace slotcache {

namespace {

// isspace() in the C locale, without the locale lookup.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_hex_digit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// c must satisfy is_hex_digit.
int hex_digit_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return c - 'A' + 10;
}

char unescape(char c) {
    switch (c) {
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case 'b': return '\b';
        case 'a': return '\a';
        default: return c;
    }
}

char at(std::string_view line, size_t i) { return i < line.size() ? line[i] : '\0'; }

// The backslash sequence at line[p] inside quote ('"' or '\''), appended to cur. Returns how many
// bytes it took, 0 when line[p] does not start one (it is then an ordinary byte, or the quote).
size_t read_escape(std::string_view line, size_t p, char quote, std::string* cur) {
    if (at(line, p) != '\\') {
        return 0;
    }
    char next = at(line, p + 1);
    if (quote == '\'') {
        if (next != '\'') {
            return 0;
        }
        cur->push_back('\'');
        return 2;
    }
    if (next == 'x' && is_hex_digit(at(line, p + 2)) && is_hex_digit(at(line, p + 3))) {
        int byte = hex_digit_value(at(line, p + 2)) * 16 + hex_digit_value(at(line, p + 3));
        cur->push_back(static_cast<char>(byte));
        return 4;
    }
    if (next == '\0') {
        return 0;
    }
    cur->push_back(unescape(next));
    return 2;
}

// Appends the token starting at line[*p] (not a blank, not the end) to cur and leaves *p past
// the blank or closing quote that ended it. False on a quoting error.
bool read_token(std::string_view line, size_t* p, std::string* cur) {
    char quote = '\0';  // the quote we are inside, or '\0' outside quotes
    for (;;) {
        char c = at(line, *p);
        if (quote == '\0') {
            switch (c) {
                case ' ':
                case '\n':
                case '\r':
                case '\t': ++*p; return true;
                case '\0': return true;
                case '"':
                case '\'': quote = c; break;
                default: cur->push_back(c); break;
            }
            ++*p;
            continue;
        }
        if (size_t used = read_escape(line, *p, quote, cur); used > 0) {
            *p += used;
            continue;
        }
        if (c == quote) {
            // A closing quote must be followed by a blank or nothing at all.
            char next = at(line, *p + 1);
            if (next != '\0' && !is_space(next)) {
                return false;
            }
            ++*p;
            return true;
        }
        if (c == '\0') {
            return false;
        }
        cur->push_back(c);
        ++*p;
    }
}

}  // namespace

bool split_args_reusing(std::string_view line, std::vector<std::string>* args, size_t* argc) {
    *argc = 0;
    size_t p = 0;
    for (;;) {
        while (is_space(at(line, p))) {
            p++;
        }
        if (at(line, p) == '\0') {
            return true;
        }
        if (*argc == args->size()) {
            args->emplace_back();
        }
        std::string& cur = (*args)[(*argc)++];
        cur.clear();
        if (!read_token(line, &p, &cur)) {
            return false;
        }
    }
}

bool split_args(std::string_view line, std::vector<std::string>* out) {
    out->clear();
    size_t argc = 0;
    if (!split_args_reusing(line, out, &argc)) {
        out->clear();
        return false;
    }
    return true;
}

std::string repr(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    for (char c : s) {
        switch (c) {
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\a': out += "\\a"; break;
            case '\b': out += "\\b"; break;
            default:
                if (c >= 0x20 && c <= 0x7e) {
                    out.push_back(c);
                } else {
                    char buf[5];
                    std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
                    out += buf;
                }
                break;
        }
    }
    out.push_back('"');
    return out;
}

}  // namespace slotcache
