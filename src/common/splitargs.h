// Redis' sds.c text rules, in one place: sdssplitargs (how redis-cli, redis.conf and inline
// commands split a line into arguments) and sdscatrepr (how a string is shown quoted). The
// config loader, the cli and the RESP parser's inline path all call these, so a line splits the
// same way whether it is typed, sent inline or read from a file — as in Redis, where it is one
// function.
//
// The line is treated as a C string: a NUL byte ends it, exactly as sdssplitargs stops at one.
// Callers that must reject NULs differently do so before calling.
//
// Rejected: a callback per token (every caller wants the same vector) and returning a fresh
// vector only (the RESP parser keeps its argument strings between commands to reuse their
// capacity, see split_args_reusing).
//
// Pure functions, any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace slotcache {

// sdssplitargs: arguments separated by isspace() blanks. An unquoted word ends at ' ', \n, \r,
// \t or the end (a \v or \f inside a word belongs to it). "Double quotes" understand \n \r \t \b
// \a, \xHH (two hex digits, either case) and \<any> for that byte; 'single quotes' understand
// only \'. A quote may open in the middle of a word (a"b c" is `ab c`). A closing quote must be
// followed by a blank or the end of the line.
//
// Returns false on an unterminated quote or a closing quote followed by a non-blank; out is
// then empty. On success out holds the arguments (a blank line gives none). out's previous
// contents are discarded either way.
bool split_args(std::string_view line, std::vector<std::string>* out);

// The same split, writing the arguments into (*args)[0, *argc) and reusing the strings already
// in args (their capacity survives), growing args only when the line has more arguments than
// ever before. Strings past *argc are spare and hold stale text. On false, *argc and the
// contents of args are unspecified (the caller reports an error and discards them).
bool split_args_reusing(std::string_view line, std::vector<std::string>* args, size_t* argc);

// sdscatrepr: s between double quotes, with \\ \" \n \r \t \a \b escaped and every other byte
// outside 0x20..0x7e (C-locale isprint) as \xhh in lowercase hex. split_args reads it back.
std::string repr(std::string_view s);

}  // namespace slotcache
