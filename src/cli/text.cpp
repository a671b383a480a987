// redis-cli's argument splitting and quoting, byte for byte (see text.h). The splitter is a
// direct state machine over the line, as in sds.c, so that odd inputs such as a quote in the
// middle of a word (a"b c" -> `ab c`) behave exactly as in redis-cli.
#include "cli/text.h"

#include <cstdio>

namespace slotcache::cli {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f';
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hex_value(char c) {
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

// Reads one token starting at line[*pos] (not a blank). Returns false on a quoting error.
bool read_token(std::string_view line, size_t* pos, std::string* out) {
    size_t p = *pos;
    const size_t n = line.size();
    auto at = [&](size_t i) { return i < n ? line[i] : '\0'; };
    bool in_double = false;
    bool in_single = false;
    for (;;) {
        char c = at(p);
        if (in_double) {
            if (c == '\\' && at(p + 1) == 'x' && is_hex(at(p + 2)) && is_hex(at(p + 3))) {
                out->push_back(static_cast<char>(hex_value(at(p + 2)) * 16 + hex_value(at(p + 3))));
                p += 3;
            } else if (c == '\\' && p + 1 < n) {
                p++;
                out->push_back(unescape(line[p]));
            } else if (c == '"') {
                if (p + 1 < n && !is_blank(line[p + 1])) {
                    return false;
                }
                *pos = p + 1;
                return true;
            } else if (p >= n) {
                return false;
            } else {
                out->push_back(c);
            }
        } else if (in_single) {
            if (c == '\\' && at(p + 1) == '\'') {
                p++;
                out->push_back('\'');
            } else if (c == '\'') {
                if (p + 1 < n && !is_blank(line[p + 1])) {
                    return false;
                }
                *pos = p + 1;
                return true;
            } else if (p >= n) {
                return false;
            } else {
                out->push_back(c);
            }
        } else {
            if (p >= n || c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
                *pos = p < n ? p + 1 : p;
                return true;
            }
            if (c == '"') {
                in_double = true;
            } else if (c == '\'') {
                in_single = true;
            } else {
                out->push_back(c);
            }
        }
        p++;
    }
}

}  // namespace

std::optional<std::vector<std::string>> split_args(std::string_view line) {
    // sdssplitargs works on a C string: a NUL ends the line.
    line = line.substr(0, line.find('\0'));
    std::vector<std::string> args;
    size_t p = 0;
    for (;;) {
        while (p < line.size() && is_blank(line[p])) {
            p++;
        }
        if (p >= line.size()) {
            return args;
        }
        std::string token;
        if (!read_token(line, &p, &token)) {
            return std::nullopt;
        }
        args.push_back(std::move(token));
    }
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
                // isprint() in the C locale: 0x20..0x7e; bytes >= 0x80 are not printable.
                if (c >= 0x20 && c <= 0x7e) {
                    out.push_back(c);
                } else {
                    char buf[5];
                    std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(c));
                    out += buf;
                }
        }
    }
    out.push_back('"');
    return out;
}

void encode_command(const std::vector<std::string>& args, std::string* out) {
    out->push_back('*');
    out->append(std::to_string(args.size()));
    out->append("\r\n");
    for (const std::string& a : args) {
        out->push_back('$');
        out->append(std::to_string(a.size()));
        out->append("\r\n");
        out->append(a);
        out->append("\r\n");
    }
}

}  // namespace slotcache::cli
