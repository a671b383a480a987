// Incremental RESP request parser, a port of Redis 7.0's processMultibulkBuffer and
// processInlineBuffer (networking.c) with the same outcomes and the same error texts for every
// input. Inline lines are split by common/splitargs (sdssplitargs, sds.c).
//
// Approach: a command is parsed from the start of the buffer the caller presents. Progress
// (bytes done, arguments found as offsets, the pending bulk length, how far the current count
// line was scanned) survives NeedMore, so a bulk arriving in many reads costs O(total bytes):
// completed arguments are never re-read and a line is never rescanned.
//
// Redis parity details, each deliberate:
// - Redis finds line ends with strchr() on a NUL-terminated buffer, so a NUL before the
//   terminator hides it. find_line() stops at NUL the same way: such a line never completes and
//   ends as "too big ..." once the limit is passed.
// - Redis looks for '\r' over the whole buffer, so whether a 70 KiB count line is "too big" or
//   "invalid" depends on how the bytes were split across reads. We search only the first
//   max_inline_len + 1 bytes of a line, which is Redis' answer for reads of at most 64 KiB and
//   makes the outcome independent of how the stream is split.
// - After "*N\r" and "$L\r" and after bulk data, Redis skips two bytes without checking that
//   they are "\n" / "\r\n". So do we.
//
// Rejected: strict CRLF checking (differs from Redis on inputs real clients never send, but the
// fuzz target and the unit tests pin Redis' behaviour), and allocating N spans for "*N" up front
// (a peer could claim 2^31 arguments; we reserve at most 1024, as Redis does).
//
// Pure, any thread, one parser per connection.
#include "resp/parser.h"

#include <algorithm>
#include <cstring>

#include "common/splitargs.h"
#include "common/strutil.h"

namespace slotcache::resp {

namespace {

constexpr char kTooBigMbulk[] = "Protocol error: too big mbulk count string";
constexpr char kTooBigBulk[] = "Protocol error: too big bulk count string";
constexpr char kTooBigInline[] = "Protocol error: too big inline request";
constexpr char kInvalidMbulk[] = "Protocol error: invalid multibulk length";
constexpr char kUnauthMbulk[] = "Protocol error: unauthenticated multibulk length";
constexpr char kInvalidBulk[] = "Protocol error: invalid bulk length";
constexpr char kUnauthBulk[] = "Protocol error: unauthenticated bulk length";
constexpr char kUnbalanced[] = "Protocol error: unbalanced quotes in request";

constexpr long long kUnauthMaxArgs = 10;
constexpr long long kUnauthMaxBulk = 16384;
// Redis caps the initial argv allocation the same way: *N is a claim, not a promise.
constexpr size_t kMaxReserve = 1024;
// Vectors grown past this by one huge command are released instead of kept for the next one.
constexpr size_t kMaxKeptArgs = 1024;

}  // namespace

// Forgets the command in progress (after Complete or Error); argv_ stays for the caller.
void Parser::clear_progress() {
    multibulk_len_ = 0;
    bulk_len_ = -1;
    pos_ = 0;
    scan_ = 0;
    spans_.clear();
    if (spans_.capacity() > kMaxKeptArgs) {
        spans_.shrink_to_fit();
    }
}

void Parser::reset() {
    clear_progress();
    argv_.clear();
    inline_argc_ = 0;
    consumed_ = 0;
    needed_ = 0;
    error_.clear();
}

ParseStatus Parser::parse(const char* buf, size_t len, const ParserLimits& limits) {
    argv_.clear();
    if (argv_.capacity() > kMaxKeptArgs) {
        argv_.shrink_to_fit();
    }
    consumed_ = 0;
    needed_ = 0;
    if (len == 0) {
        return ParseStatus::NeedMore;
    }
    // Mid-command, the first byte is not looked at again: parsed bytes are never re-read.
    if (multibulk_len_ > 0 || buf[0] == '*') {
        return parse_multibulk(buf, len, limits);
    }
    return parse_inline(buf, len, limits);
}

// After an error the connection is closed; dropping the progress anyway means a caller that
// parses again cannot make us read offsets into a buffer that no longer holds them.
ParseStatus Parser::fail(const char* msg) {
    error_ = msg;
    clear_progress();
    return ParseStatus::Error;
}

// Looks for term (or a NUL, which hides it, as for strchr) in the line starting at start,
// within its first max + 1 bytes. scan_ remembers how far earlier calls got.
Parser::Line Parser::find_line(const char* buf, size_t len, size_t start, char term, size_t max,
                               size_t* at) {
    size_t from = std::max(scan_, start);
    size_t limit = std::min(len, start + max + 1);
    if (from < limit && buf[from] == '\0') {
        // A NUL found by an earlier call: the line is blocked, skip the rescan.
        from = limit;
    }
    if (from < limit) {
        const void* t = memchr(buf + from, term, limit - from);
        size_t end = t ? static_cast<size_t>(static_cast<const char*>(t) - buf) : limit;
        const void* nul = memchr(buf + from, '\0', end - from);
        if (nul) {
            // Stay on the NUL: later calls find it again in O(1), and the line never completes.
            scan_ = static_cast<size_t>(static_cast<const char*>(nul) - buf);
        } else if (t) {
            scan_ = end;
            *at = end;
            return Line::Found;
        } else {
            scan_ = limit;
        }
    }
    return len - start > max ? Line::TooBig : Line::NeedMore;
}

ParseStatus Parser::parse_multibulk(const char* buf, size_t len, const ParserLimits& limits) {
    if (multibulk_len_ == 0) {
        size_t nl = 0;
        Line line = find_line(buf, len, 0, '\r', limits.max_inline_len, &nl);
        if (line == Line::TooBig) {
            return fail(kTooBigMbulk);
        }
        // The line needs one more byte (its '\n', not checked) after the '\r'.
        if (line == Line::NeedMore || nl + 2 > len) {
            return ParseStatus::NeedMore;
        }
        long long n = 0;
        if (!parse_ll(std::string_view(buf + 1, nl - 1), &n) || n > INT_MAX ||
            n > limits.max_multibulk_len) {
            return fail(kInvalidMbulk);
        }
        if (n > kUnauthMaxArgs && !limits.authenticated) {
            return fail(kUnauthMbulk);
        }
        pos_ = nl + 2;
        scan_ = pos_;
        if (n <= 0) {
            return complete_multibulk(buf);
        }
        multibulk_len_ = n;
        bulk_len_ = -1;
        spans_.reserve(std::min(static_cast<size_t>(n), kMaxReserve));
    }
    while (spans_.size() < static_cast<size_t>(multibulk_len_)) {
        if (bulk_len_ < 0) {
            ParseStatus st = parse_bulk_count(buf, len, limits);
            if (st != ParseStatus::Complete) {
                return st;
            }
        }
        size_t want = static_cast<size_t>(bulk_len_) + 2;
        if (len - pos_ < want) {
            needed_ = pos_ + want;
            return ParseStatus::NeedMore;
        }
        spans_.push_back(Span{pos_, static_cast<size_t>(bulk_len_)});
        pos_ += want;
        scan_ = pos_;
        bulk_len_ = -1;
    }
    return complete_multibulk(buf);
}

// Reads the "$L\r\n" line at pos_ into bulk_len_. Complete here means "the count was read".
ParseStatus Parser::parse_bulk_count(const char* buf, size_t len, const ParserLimits& limits) {
    size_t nl = 0;
    Line line = find_line(buf, len, pos_, '\r', limits.max_inline_len, &nl);
    if (line == Line::TooBig) {
        return fail(kTooBigBulk);
    }
    if (line == Line::NeedMore || nl + 2 > len) {
        return ParseStatus::NeedMore;
    }
    if (buf[pos_] != '$') {
        // Redis formats with %c and then maps CR/LF to spaces so the reply stays on one line.
        char got = buf[pos_] == '\r' || buf[pos_] == '\n' ? ' ' : buf[pos_];
        std::string msg = "Protocol error: expected '$', got '";
        msg += got;
        msg += '\'';
        return fail(msg.c_str());
    }
    long long n = 0;
    if (!parse_ll(std::string_view(buf + pos_ + 1, nl - pos_ - 1), &n) || n < 0 ||
        n > limits.max_bulk_len) {
        return fail(kInvalidBulk);
    }
    if (n > kUnauthMaxBulk && !limits.authenticated) {
        return fail(kUnauthBulk);
    }
    bulk_len_ = n;
    pos_ = nl + 2;
    scan_ = pos_;
    return ParseStatus::Complete;
}

ParseStatus Parser::complete_multibulk(const char* buf) {
    argv_.resize(spans_.size());
    for (size_t i = 0; i < spans_.size(); i++) {
        argv_[i] = std::string_view(buf + spans_[i].off, spans_[i].len);
    }
    consumed_ = pos_;
    clear_progress();
    return ParseStatus::Complete;
}

ParseStatus Parser::parse_inline(const char* buf, size_t len, const ParserLimits& limits) {
    size_t nl = 0;
    Line line = find_line(buf, len, 0, '\n', limits.max_inline_len, &nl);
    if (line == Line::TooBig) {
        return fail(kTooBigInline);
    }
    if (line == Line::NeedMore) {
        return ParseStatus::NeedMore;
    }
    clear_progress();
    size_t n = nl > 0 && buf[nl - 1] == '\r' ? nl - 1 : nl;
    if (!split_inline(buf, n)) {
        return fail(kUnbalanced);
    }
    argv_.resize(inline_argc_);
    for (size_t i = 0; i < inline_argc_; i++) {
        argv_[i] = inline_args_[i];
    }
    consumed_ = nl + 1;
    return ParseStatus::Complete;
}

// sdssplitargs() over line[0, n), shared with the cli and the config loader. The line holds no
// NUL (find_line stops at one), so the splitter's C-string view of it is the whole line. The
// strings in inline_args_ are reused, so a connection sending inline commands stops allocating
// once its longest arguments have been seen.
bool Parser::split_inline(const char* line, size_t n) {
    return split_args_reusing(std::string_view(line, n), &inline_args_, &inline_argc_);
}

}  // namespace slotcache::resp
