// Text helpers shared by the cli and the benchmark: redis-cli's line splitting (sds.c
// sdssplitargs) and quoting (sdscatrepr), and the RESP encoding of a command.
//
// Splitting and quoting are the shared implementation in common/splitargs (the server's inline
// parser and the config loader use the same rules); the exact rules are part of what users
// see: `set "a b" 'c'` must split as redis-cli splits it.
//
// Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slotcache::cli {

// sdssplitargs: arguments separated by blanks; "double quotes" understand \n \r \t \b \a,
// \xHH and \<any>; 'single quotes' understand only \'. A closing quote must be followed by a
// blank or the end of the line. Returns nullopt on unbalanced quotes or a closing quote
// followed by a non-blank ("Invalid argument(s)" in the REPL). A blank line gives an empty
// vector.
std::optional<std::vector<std::string>> split_args(std::string_view line);

// sdscatrepr: s between double quotes, with \\ \" \n \r \t \a \b escaped and every other
// non-printable byte (and every byte >= 0x80) as \xhh in lowercase hex.
std::string repr(std::string_view s);

// Appends the RESP multibulk form of args ("*N\r\n$len\r\narg\r\n...") to out.
void encode_command(const std::vector<std::string>& args, std::string* out);

}  // namespace slotcache::cli
