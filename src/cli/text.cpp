// redis-cli's argument splitting and quoting (see text.h): thin adapters over the one
// sdssplitargs / sdscatrepr implementation in common/splitargs, which the config loader and the
// RESP parser's inline path share, so a line splits the same way typed, sent or read from a file.
#include "cli/text.h"

#include "common/splitargs.h"

namespace slotcache::cli {

std::optional<std::vector<std::string>> split_args(std::string_view line) {
    std::vector<std::string> args;
    if (!slotcache::split_args(line, &args)) {
        return std::nullopt;
    }
    return args;
}

std::string repr(std::string_view s) { return slotcache::repr(s); }

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
