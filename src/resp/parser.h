// Incremental RESP request parser: multibulk ("*N\r\n$L\r\n...") and inline commands.
//
// Approach: the connection owns one contiguous read buffer; the parser records the arguments
// as (offset, length) pairs relative to the start of the current command, so that the buffer
// may grow (and move) between calls while a large argument arrives. When a command is
// complete, args() exposes string_views into the caller's buffer: no copy, no allocation per
// argument (the offset vector is reused across commands).
//
// Rejected: a callback-per-argument push parser (every command handler would then need to
// buffer), and copying arguments into std::strings (one allocation per argument).
//
// Pure: no I/O, any thread, one parser per connection.
#pragma once

#include <cstddef>
#include <climits>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slotcache::resp {

struct ParserLimits {
    long long max_bulk_len = 512LL * 1024 * 1024;  // proto-max-bulk-len
    long long max_multibulk_len = INT_MAX;         // largest *N accepted (Redis 7: INT_MAX)
    // PROTO_INLINE_MAX_SIZE: the longest inline line, and the longest "*N" / "$L" count line.
    size_t max_inline_len = 64 * 1024;
    bool authenticated = true;  // false: *N > 10 ("unauthenticated multibulk length") and
                                // $L > 16384 ("unauthenticated bulk length") are refused, as
                                // Redis 7 does before AUTH, so an unauthenticated peer cannot
                                // make us buffer. Evaluated per parse() call: an AUTH that
                                // completes lifts the limits for the next command.
};

enum class ParseStatus : uint8_t {
    Complete,  // one command parsed: args(), consumed(); args() may be empty (blank line, *0)
    NeedMore,  // call again once more bytes were appended to the same logical buffer
    Error,     // protocol error: error() has Redis' text; the connection must be closed
};

class Parser {
public:
    // Parses from buf, which starts at the first unconsumed byte of the stream. After
    // NeedMore the same bytes must be presented again (possibly at a new address, with more
    // appended). After Complete the caller drops consumed() bytes before the next call.
    ParseStatus parse(const char* buf, size_t len, const ParserLimits& limits);

    // Valid after Complete until the next parse() or until the buffer changes.
    size_t argc() const { return argv_.size(); }
    const std::vector<std::string_view>& args() const { return argv_; }
    size_t consumed() const { return consumed_; }
    // After Error: "Protocol error: invalid multibulk length" etc. (no "ERR " prefix).
    const std::string& error() const { return error_; }
    // After NeedMore: total bytes the current command needs, when known (a bulk header was
    // read), else 0. Lets the connection reserve once instead of doubling repeatedly.
    size_t bytes_needed() const { return needed_; }
    void reset();

private:
    // size_t, not uint32_t: proto-max-bulk-len and the query buffer limit may exceed 4 GiB.
    struct Span {
        size_t off;
        size_t len;
    };
    enum class Line : uint8_t { Found, NeedMore, TooBig };
    ParseStatus parse_inline(const char* buf, size_t len, const ParserLimits& limits);
    ParseStatus parse_multibulk(const char* buf, size_t len, const ParserLimits& limits);
    ParseStatus parse_bulk_count(const char* buf, size_t len, const ParserLimits& limits);
    Line find_line(const char* buf, size_t len, size_t start, char term, size_t max,
                   size_t* at);
    bool split_inline(const char* line, size_t n);
    ParseStatus complete_multibulk(const char* buf);
    ParseStatus fail(const char* msg);
    void clear_progress();

    // Multibulk progress, kept across NeedMore.
    long long multibulk_len_ = 0;  // 0: header not read yet
    long long bulk_len_ = -1;      // -1: the next "$L" line is not read yet
    size_t pos_ = 0;               // bytes of the current command already parsed
    size_t scan_ = 0;              // the line at pos_ has no terminator before scan_
    std::vector<Span> spans_;
    std::vector<std::string_view> argv_;
    std::vector<std::string> inline_args_;  // inline commands need unquoting: owned copies
    size_t inline_argc_ = 0;                // inline_args_ beyond this are spare capacity
    size_t consumed_ = 0;
    size_t needed_ = 0;
    std::string error_;
};

}  // namespace slotcache::resp
