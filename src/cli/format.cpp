// redis-cli's reply formatting (see format.h). The aggregate layout follows redis-cli's
// algorithm literally: the index width is the digit count of the element count (of the entry
// count for maps), nested aggregates are formatted with the parent's prefix plus width+2
// spaces, and the first element of a nested aggregate is printed right after its parent's
// index (the parent already wrote the indentation).
#include "cli/format.h"

#include "cli/text.h"
#include "common/strutil.h"

namespace slotcache::cli {

namespace {

const char* empty_aggregate_text(ReplyType t) {
    switch (t) {
        case ReplyType::Array: return "(empty array)\n";
        case ReplyType::Map: return "(empty hash)\n";
        case ReplyType::Set: return "(empty set)\n";
        default: return "(empty push)\n";
    }
}

// cliIsMultilineValueTTY: a map value that takes several lines starts on its own line, so that
// its indices align under the key's.
bool is_multiline_tty(const Reply& r) {
    switch (r.type) {
        case ReplyType::Array:
        case ReplyType::Set:
        case ReplyType::Push:
            if (r.elements.empty()) {
                return false;
            }
            return r.elements.size() > 1 || is_multiline_tty(r.elements[0]);
        case ReplyType::Map:
            if (r.elements.empty()) {
                return false;
            }
            return r.elements.size() > 2 || is_multiline_tty(r.elements[1]);
        default:
            return false;
    }
}

std::string format_aggregate_tty(const Reply& r, const std::string& prefix) {
    if (r.elements.empty()) {
        return empty_aggregate_text(r.type);
    }
    const bool is_map = r.type == ReplyType::Map;
    size_t entries = is_map ? r.elements.size() / 2 : r.elements.size();
    size_t width = 0;
    do {
        width++;
        entries /= 10;
    } while (entries != 0);
    const std::string child_prefix = prefix + std::string(width + 2, ' ');
    const char sep = r.type == ReplyType::Set ? '~' : is_map ? '#' : ')';

    std::string out;
    for (size_t i = 0; i < r.elements.size(); i++) {
        const size_t human = (is_map ? i / 2 : i) + 1;
        const std::string idx = std::to_string(human);
        if (i != 0) {
            out += prefix;
        }
        out.append(width > idx.size() ? width - idx.size() : 0, ' ');
        out += idx;
        out.push_back(sep);
        out.push_back(' ');
        out += format_tty(r.elements[i], child_prefix);
        if (is_map && i + 1 < r.elements.size()) {
            i++;
            out.pop_back();  // the key's "\n"
            out += " => ";
            if (is_multiline_tty(r.elements[i])) {
                out += "\n";
                out += child_prefix;
            }
            out += format_tty(r.elements[i], child_prefix);
        }
    }
    return out;
}

}  // namespace

std::string format_tty(const Reply& r, const std::string& prefix) {
    switch (r.type) {
        case ReplyType::Error: return "(error) " + r.str + "\n";
        case ReplyType::Status: return r.str + "\n";
        case ReplyType::Integer: return "(integer) " + ll_to_string(r.integer) + "\n";
        case ReplyType::Double: return "(double) " + r.str + "\n";
        case ReplyType::String: return repr(r.str) + "\n";
        case ReplyType::Verbatim: return r.str + "\n";
        case ReplyType::Nil: return "(nil)\n";
        case ReplyType::Bool: return r.integer ? "(true)\n" : "(false)\n";
        case ReplyType::BigNum: return "(big number) " + r.str + "\n";
        case ReplyType::Array:
        case ReplyType::Map:
        case ReplyType::Set:
        case ReplyType::Push: return format_aggregate_tty(r, prefix);
    }
    return std::string();
}

std::string format_raw(const Reply& r, const std::string& mb_delim) {
    std::string out;
    switch (r.type) {
        case ReplyType::Nil: break;
        case ReplyType::Error: out = r.str + "\n"; break;
        case ReplyType::Status:
        case ReplyType::String:
        case ReplyType::Verbatim:
        case ReplyType::Double:
        case ReplyType::BigNum: out = r.str; break;
        case ReplyType::Bool: out = r.integer ? "(true)" : "(false)"; break;
        case ReplyType::Integer: out = ll_to_string(r.integer); break;
        case ReplyType::Array:
        case ReplyType::Set:
        case ReplyType::Push:
            for (size_t i = 0; i < r.elements.size(); i++) {
                if (i > 0) {
                    out += mb_delim;
                }
                out += format_raw(r.elements[i], mb_delim);
            }
            break;
        case ReplyType::Map:
            for (size_t i = 0; i + 1 < r.elements.size(); i += 2) {
                if (i > 0) {
                    out += mb_delim;
                }
                out += format_raw(r.elements[i], mb_delim);
                out += " ";
                out += format_raw(r.elements[i + 1], mb_delim);
            }
            break;
    }
    return out;
}

std::string format_csv(const Reply& r) {
    switch (r.type) {
        case ReplyType::Error: return "ERROR," + repr(r.str);
        case ReplyType::Status:
        case ReplyType::String:
        case ReplyType::Verbatim: return repr(r.str);
        case ReplyType::Integer: return ll_to_string(r.integer);
        case ReplyType::Double:
        case ReplyType::BigNum: return r.str;
        case ReplyType::Nil: return "NULL";
        case ReplyType::Bool: return r.integer ? "true" : "false";
        case ReplyType::Array:
        case ReplyType::Map:
        case ReplyType::Set:
        case ReplyType::Push: {
            std::string out;
            for (size_t i = 0; i < r.elements.size(); i++) {
                if (i > 0) {
                    out += ",";
                }
                out += format_csv(r.elements[i]);
            }
            return out;
        }
    }
    return std::string();
}

std::string format_reply(const Reply& r, OutputMode mode, bool verbatim,
                         const std::string& mb_delim, const std::string& cmd_delim) {
    if (verbatim) {
        return format_raw(r, mb_delim);
    }
    switch (mode) {
        case OutputMode::Standard: return format_tty(r);
        case OutputMode::Raw: return format_raw(r, mb_delim) + cmd_delim;
        case OutputMode::Csv: return format_csv(r) + "\n";
    }
    return std::string();
}

bool format_invalidate(const Reply& r, std::string* out) {
    if (r.type != ReplyType::Push || r.elements.size() != 2 ||
        r.elements[0].type != ReplyType::String || r.elements[0].str.rfind("invalidate", 0) != 0 ||
        r.elements[1].type != ReplyType::Array) {
        return false;
    }
    *out = "-> invalidate: ";
    const std::vector<Reply>& keys = r.elements[1].elements;
    for (size_t i = 0; i < keys.size(); i++) {
        *out += "'" + keys[i].str + "'";
        if (i + 1 < keys.size()) {
            *out += ", ";
        }
    }
    *out += "\n";
    return true;
}

bool is_verbatim_command(const std::vector<std::string>& argv) {
    if (argv.empty()) {
        return false;
    }
    const size_t argc = argv.size();
    const std::string& cmd = argv[0];
    auto sub = [&](const char* s) { return argc >= 2 && iequals(argv[1], s); };
    if (iequals(cmd, "info") || iequals(cmd, "lolwut")) {
        return true;
    }
    if (iequals(cmd, "debug")) {
        return sub("htstats") || sub("htstats-key");
    }
    if (iequals(cmd, "memory")) {
        return sub("malloc-stats") || sub("doctor");
    }
    if (iequals(cmd, "cluster")) {
        return argc == 2 && (sub("nodes") || sub("info"));
    }
    if (iequals(cmd, "client")) {
        return sub("list") || sub("info");
    }
    if (iequals(cmd, "latency")) {
        return (argc == 3 && sub("graph")) || (argc == 2 && sub("doctor"));
    }
    if (iequals(cmd, "proxy")) {
        return sub("info");
    }
    return false;
}

}  // namespace slotcache::cli
