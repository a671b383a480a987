// Incremental RESP2/RESP3 reply reader (see reply.h).
//
// Invariants: buf_[pos_..] holds the unparsed bytes; stack_ holds the aggregates being filled,
// innermost last, and each Frame::agg points into its parent's elements vector (or at root_).
// Those pointers stay valid because a parent's vector only grows while the parent is the
// innermost open aggregate, i.e. while none of its children is on the stack.
#include "cli/reply.h"

#include <charconv>
#include <utility>

namespace slotcache::cli {

namespace {

constexpr long long kMaxBulkLen = 1LL << 40;        // no real reply comes near: a corrupt header
constexpr long long kMaxAggregateLen = 1LL << 32;   // hiredis' default maxelements
constexpr size_t kCompactAt = 64 * 1024;

bool parse_integer(std::string_view s, long long* out) {
    if (s.empty()) {
        return false;
    }
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, *out);
    return ec == std::errc() && p == end;
}

}  // namespace

void ReplyReader::feed(const char* data, size_t len) {
    compact();
    buf_.append(data, len);
}

void ReplyReader::compact() {
    if (pos_ >= kCompactAt && pos_ * 2 >= buf_.size()) {
        buf_.erase(0, pos_);
        pos_ = 0;
    }
}

void ReplyReader::reset() {
    buf_.clear();
    pos_ = 0;
    stack_.clear();
    root_ = Reply();
    root_done_ = false;
    error_.clear();
}

ReadStatus ReplyReader::fail(std::string msg) {
    error_ = std::move(msg);
    return ReadStatus::Error;
}

Reply ReplyReader::take() {
    Reply r = std::move(root_);
    root_ = Reply();
    root_done_ = false;
    return r;
}

ReadStatus ReplyReader::next() {
    if (!error_.empty()) {
        return ReadStatus::Error;
    }
    while (!root_done_) {
        ReadStatus st = read_item();
        if (st != ReadStatus::Complete) {
            return st;
        }
    }
    return ReadStatus::Complete;
}

bool ReplyReader::read_line(std::string_view* line) {
    size_t crlf = buf_.find("\r\n", pos_ + 1);
    if (crlf == std::string::npos) {
        return false;
    }
    *line = std::string_view(buf_).substr(pos_ + 1, crlf - pos_ - 1);
    return true;
}

void ReplyReader::attach(Reply&& r, size_t child_count) {
    Reply* slot;
    if (stack_.empty()) {
        root_ = std::move(r);
        slot = &root_;
    } else {
        Frame& top = stack_.back();
        top.agg->elements.push_back(std::move(r));
        top.remaining--;
        slot = &top.agg->elements.back();
    }
    if (child_count > 0) {
        slot->elements.reserve(child_count < 1024 ? child_count : 1024);
        stack_.push_back(Frame{slot, child_count});
        return;
    }
    while (!stack_.empty() && stack_.back().remaining == 0) {
        stack_.pop_back();
    }
    root_done_ = stack_.empty();
}

// Reads one item. Complete means it was consumed (the reply may still be unfinished).
ReadStatus ReplyReader::read_item() {
    if (pos_ >= buf_.size()) {
        return ReadStatus::NeedMore;
    }
    std::string_view line;
    if (!read_line(&line)) {
        return ReadStatus::NeedMore;
    }
    const char kind = buf_[pos_];
    const size_t after_line = pos_ + 1 + line.size() + 2;
    Reply r;
    long long n = 0;
    switch (kind) {
        case '+':
        case '-':
        case ',':
        case '(':
            r.type = kind == '+'   ? ReplyType::Status
                     : kind == '-' ? ReplyType::Error
                     : kind == ',' ? ReplyType::Double
                                   : ReplyType::BigNum;
            r.str.assign(line);
            pos_ = after_line;
            attach(std::move(r), 0);
            return ReadStatus::Complete;
        case ':':
            if (!parse_integer(line, &r.integer)) {
                return fail("Bad integer value");
            }
            r.type = ReplyType::Integer;
            pos_ = after_line;
            attach(std::move(r), 0);
            return ReadStatus::Complete;
        case '_':
            r.type = ReplyType::Nil;
            pos_ = after_line;
            attach(std::move(r), 0);
            return ReadStatus::Complete;
        case '#':
            if (line != "t" && line != "f") {
                return fail("Bad bool value");
            }
            r.type = ReplyType::Bool;
            r.integer = line == "t";
            pos_ = after_line;
            attach(std::move(r), 0);
            return ReadStatus::Complete;
        case '$':
        case '!':
        case '=': {
            if (!parse_integer(line, &n) || n < -1 || n > kMaxBulkLen) {
                return fail("Bad bulk string length");
            }
            if (n == -1) {
                r.type = ReplyType::Nil;
                pos_ = after_line;
                attach(std::move(r), 0);
                return ReadStatus::Complete;
            }
            const size_t len = static_cast<size_t>(n);
            if (buf_.size() < after_line + len + 2) {
                return ReadStatus::NeedMore;
            }
            std::string_view body = std::string_view(buf_).substr(after_line, len);
            if (kind == '=') {
                if (len < 4 || body[3] != ':') {
                    return fail("Verbatim string 4 bytes of content type are missing or "
                                "incorrectly encoded.");
                }
                r.type = ReplyType::Verbatim;
                r.vtype.assign(body.substr(0, 3));
                r.str.assign(body.substr(4));
            } else {
                r.type = kind == '$' ? ReplyType::String : ReplyType::Error;
                r.str.assign(body);
            }
            pos_ = after_line + len + 2;
            attach(std::move(r), 0);
            return ReadStatus::Complete;
        }
        case '*':
        case '%':
        case '~':
        case '>': {
            if (!parse_integer(line, &n) || n < -1 || n > kMaxAggregateLen) {
                return fail("Bad multi-bulk length");
            }
            pos_ = after_line;
            if (n == -1) {
                r.type = ReplyType::Nil;
                attach(std::move(r), 0);
                return ReadStatus::Complete;
            }
            r.type = kind == '*'   ? ReplyType::Array
                     : kind == '%' ? ReplyType::Map
                     : kind == '~' ? ReplyType::Set
                                   : ReplyType::Push;
            const size_t count = static_cast<size_t>(kind == '%' ? n * 2 : n);
            attach(std::move(r), count);
            return ReadStatus::Complete;
        }
        default: {
            std::string msg = "Protocol error, got ";
            msg.push_back('"');
            msg.push_back(kind);
            msg.push_back('"');
            msg += " as reply type byte";
            return fail(std::move(msg));
        }
    }
}

}  // namespace slotcache::cli
