// String <-> number conversions with Redis' exact acceptance rules, glob matching, and small
// case helpers. Pure functions, any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace slotcache {

// Redis' string2ll: optional '-', digits, no spaces, no '+', no leading zeros, fits int64.
bool parse_ll(std::string_view s, long long* out);
// A double as Redis' string2ld/strtod accepts it: no spaces, whole string consumed, not NaN.
// "inf", "-inf", "+inf" are accepted.
bool parse_double(std::string_view s, double* out);
bool parse_long_double(std::string_view s, long double* out);

// Writes the decimal form of v into buf (at least 21 bytes), returns the length.
size_t ll_to_chars(long long v, char* buf);
std::string ll_to_string(long long v);

// %.17g, "inf"/"-inf": the form of RESP3 doubles and of ZSCORE replies.
std::string double_to_string(double v);
// INCRBYFLOAT's "human friendly" form: %.17Lf with trailing zeros (and a trailing '.') trimmed.
std::string long_double_to_string(long double v);

// Redis' stringmatchlen: glob-style '*', '?', '[a-z]', '[^x]', '\' escapes.
bool glob_match(std::string_view pattern, std::string_view s, bool nocase = false);

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

// Human readable byte counts as INFO prints them ("1.50M").
std::string bytes_to_human(uint64_t n);
// "100mb", "1gb", "512" -> bytes; false on a bad suffix or overflow.
bool parse_memory(std::string_view s, long long* out);

}  // namespace slotcache
