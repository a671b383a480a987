// Redis' config-file text primitives, reproduced exactly because users' files and tools depend on
// their corner cases: sdssplitargs (quotes, \xHH escapes), sdscatrepr (how CONFIG REWRITE quotes
// strings), sdstrim, sdssplitlen, memtoull (the k/kb/m/mb/g/gb units) and the rewrite form of
// byte counts. Pure functions, any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace slotcache::config::text {

// sdssplitargs: splits a line into arguments with "double" (C escapes, \xHH) and 'single' quotes.
// Returns false on unbalanced quotes or a closing quote not followed by a space.
bool split_args(std::string_view line, std::vector<std::string>* out);

// sdscatrepr: the value in double quotes, escaping \ " \n \r \t \a \b and non-printables as \xHH.
std::string quote(std::string_view s);

// sdstrim with " \t\r\n".
std::string_view trim(std::string_view s);

// sdssplitlen with a one-character separator: "" gives no element, "a\n" gives {"a", ""}.
std::vector<std::string> split(std::string_view s, char sep);

// memtoull: digits with an optional unit b, k (1000), kb (1024), m, mb, g, gb (case-insensitive).
// No sign; leading zeros allowed. False on anything else or overflow.
bool parse_memory(std::string_view s, unsigned long long* out);

// rewriteConfigFormatMemory: "1gb", "64mb", "5kb" when exact, else the plain number.
std::string format_memory(long long bytes);

bool iequals(std::string_view a, std::string_view b);
std::string lower(std::string_view s);

}  // namespace slotcache::config::text
